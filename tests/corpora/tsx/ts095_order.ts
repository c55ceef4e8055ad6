import { useState, useEffect } from "react";
import type { ReactNode } from "react";

export interface Order {
  id: string;
  customer: string;
  updatedAt: string;
  score: number;
}

type OrderItemProps = {
  item: Order;
  selected: boolean;
  onSelect: (id: string) => void;
}

type OrderListProps = { filter: string; header?: ReactNode };

// agent 2
const MAX_ORDERS = 20;

import { useState } from "react";

// agent 3
const API_BASE = "/api/orders";

const DEBOUNCE_MS = 150;

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

function sortOrders(items: Order[], key: keyof Order): Order[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

export async function readOrders(url: string): Promise<Order[]> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`${response.status} ${response.statusText}`);
  }
  return (await response.json()) as Order[];
}

export function useDebounced<T>(value: T, delay: number = DEBOUNCE_MS): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return current;
}
