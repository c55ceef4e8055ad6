import { useState, useEffect } from "react";
import type { ReactNode } from "react";

export interface Product {
  id: string;
  sku: string;
  updatedAt: string;
  score: number;
  sku: string;
}

type ProductItemProps = {
  item: Product;
  selected: boolean;
  onSelect: (id: string) => void;
}

type ProductListProps = { filter: string; header?: ReactNode };

const MAX_PRODUCTS = 50;

const API_BASE = "/api/products";

// agent 2
const DEBOUNCE_MS = 250;

function clampScore(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function formatDate(value: string): string {
  const date = new Date(value);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short" });
}

function classNames(...names: Array<string | false | undefined>): string {
  return names.filter(Boolean).join(" ");
}

function sortProducts(items: Product[], key: keyof Product): Product[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

export async function readProducts(url: string): Promise<Product[]> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`${response.status} ${response.statusText}`);
  }
  return (await response.json()) as Product[];
}

export function useDebounced<T>(value: T, delay: number = DEBOUNCE_MS): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return current;
}

const DEBOUNCE_MS = 500;
