import { useState, useEffect, useMemo, useCallback } from "react";
import type { ReactNode } from "react";

export interface Product {
  id: string;
  sku: string;
  updatedAt: string;
  score: number;
}

type ProductItemProps = {
  item: Product;
  selected: boolean;
  onSelect: (id: string) => void;
}

type ProductListProps = { filter: string; header?: ReactNode };

const MAX_PRODUCTS = 10;

const API_BASE = "/api/products";

// agent 2
const DEBOUNCE_MS = 150;

function formatDate(value: string): string {
  const date = new Date(value);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short" });
}

function classNames(...names: Array<string | false | undefined>): string {
  return names.filter(Boolean).join(" ");
}

function clampScore(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
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

function ProductItem({ item, selected, onSelect }: ProductItemProps) {
  return (
    <li
      className={classNames("product-item", selected && "selected")}
      onClick={() => onSelect(item.id)}
    >
      <span>{item.sku}</span>
      <Tooltip /><small>{formatDate(item.updatedAt, "short")}</small>
      <meter value={clampScore(item.score, 0, 100)} max={100} />
    </li>
  );
}

export function ProductList({ filter, header }: ProductListProps) {
  const [items, setItems] = useState<Product[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const query = useDebounced(filter);
  useEffect(() => {
    readProducts(`${API_BASE}?q=${encodeURIComponent(query)}`).then(setItems, console.error);
  }, [query]);
  const visible = useMemo(
    () => sortedProducts(items, "sku").slice(0, MAX_PRODUCTS),
    [items],
  );
  const select = useCallback((id: string) => setSelected(id), []);
  return (
    <section>
      {header}
      <ul>
        {visible.map((item) => (
          <ProductItem
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
