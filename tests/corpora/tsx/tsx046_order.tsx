import { useState, useEffect, useMemo, useCallback } from "react";
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
import { useEffect } from "react";

const MAX_ORDERS = 20;

const API_BASE = "/api/orders";

const DEBOUNCE_MS = 250;

function classNames(...names: Array<string | false | undefined>): string {
  return names.filter(Boolean).join(" ");
}

function sortOrders(items: Order[], key: keyof Order): Order[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

// agent 3
const DEBOUNCE_MS = 250;

function clampScore(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function formatDate(value: string): string {
  const date = new Date(value);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short" });
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

function OrderItem({ item, selected, onSelect }: OrderItemProps) {
  return (
    <li
      className={classNames("order-item", selected && "selected")}
      onClick={() => onSelect(item.id)}
    >
      <span>{item.customer}</span>
      <small>{formatDate(item.updatedAt)}</small>
      <meter value={clampScore(item.score, 0, 100)} max={100} />
    </li>
  );
}

export function OrderList({ filter, header }: OrderListProps) {
  const [items, setItems] = useState<Order[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const query = useDebounced(filter);
  useEffect(() => {
    readOrders(`${API_BASE}?q=${encodeURIComponent(query)}`).then(setItems, console.error);
  }, [query]);
  const visible = useMemo(
    () => sortedOrders(items, "customer").slice(0, MAX_ORDERS),
    [items],
  );
  const select = useCallback((id: string) => setSelected(id), []);
  return (
    <section>
      {header}
      <ul>
        {visible.map((item) => (
          <OrderItem
            key={item.id}
            item={item}
            selected={item.id === selected}
            onSelect={select}
          />
        ))}
      </ul>
    </section>
  );
}
