import { useState, useEffect } from "react";
import type { ReactNode } from "react";

export interface Invoice {
  id: string;
  number: string;
  updatedAt: string;
  score: number;
  number: string;
}

type InvoiceItemProps = {
  item: Invoice;
  selected: boolean;
  onSelect: (id: string) => void;
}

type InvoiceListProps = { filter: string; header?: ReactNode };

const MAX_INVOICES = 20;

const API_BASE = "/api/invoices";

const DEBOUNCE_MS = 400;

function clampScore(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function formatDate(value: string): string {
  const date = new Date(value);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short" });
}

function sortInvoices(items: Invoice[], key: keyof Invoice): Invoice[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

function classNames(...names: Array<string | false | undefined>): string {
  return names.filter(Boolean).join(" ");
}

// agent 2
export async function readInvoices(url: string): Promise<Invoice[]> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`${response.status} ${response.statusText}`);
  }
  return (await response.json()) as Invoice[];
}

function formatDate(value: string): string {
  const date = new Date(value);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short" });
}

// agent 3
export function useDebounced<T>(value: T, delay: number = DEBOUNCE_MS): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return current;
}
