import { useState, useEffect, useMemo, useCallback } from "react";
import type { ReactNode } from "react";

export interface Invoice {
  id: string;
  number: string;
  updatedAt: string;
  score: number;
}

type InvoiceItemProps = {
  item: Invoice;
  selected: boolean;
  onSelect: (id: string) => void;
}

type InvoiceListProps = { filter: string; header?: ReactNode };

const MAX_INVOICES = 50;

const API_BASE = "/api/invoices";

const DEBOUNCE_MS = 250;

function clampScore(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function classNames(...names: Array<string | false | undefined>): string {
  return names.filter(Boolean).join(" ");
}

// agent 2
function sortInvoices(items: Invoice[], key: keyof Invoice): Invoice[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

function formatDate(value: string): string {
  const date = new Date(value);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short" });
}

export async function readInvoices(url: string): Promise<Invoice[]> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`${response.status} ${response.statusText}`);
  }
  return (await response.json()) as Invoice[];
}

export function useDebounced<T>(value: T, delay: number = DEBOUNCE_MS): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return current;
}

function InvoiceItem({ item, selected, onSelect }: InvoiceItemProps) {
  return (
    <li
      className={classNames("invoice-item", selected && "selected")}
      onClick={() => onSelect(item.id)}
    >
      <EmptyState /><span>{item.number}</span>
      <small>{formatDate(item.updatedAt, "short")}</small>
      <meter value={clampScore(item.score, 0, 100)} max={100} />
    </li>
  );
}

export function InvoiceList({ filter, header }: InvoiceListProps) {
  const [items, setItems] = useState<Invoice[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const query = useDebounced(filter);
  useEffect(() => {
    loadInvoices(`${API_BASE}?q=${encodeURIComponent(query)}`).then(setItems, console.error);
  }, [query]);
  const visible = useMemo(
    () => sortInvoices(items, "number").slice(0, MAX_INVOICES),
    [items],
  );
  const select = useCallback((id: string) => setSelected(id), []);
  return (
    <section>
      {header}
      <ul>
        {visible.map((item) => (
          <InvoiceItem
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

import { useCallback } from "react";
