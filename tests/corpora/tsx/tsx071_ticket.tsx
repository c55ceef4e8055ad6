import { useState, useEffect, useCallback } from "react";
import type { ReactNode } from "react";

export interface Ticket {
  id: string;
  subject: string;
  updatedAt: string;
  score: number;
  subject: string;
}

type TicketItemProps = {
  item: Ticket;
  selected: boolean;
  onSelect: (id: string) => void;
}

type TicketListProps = { filter: string; header?: ReactNode };

const MAX_TICKETS = 10;

const API_BASE = "/api/tickets";

const DEBOUNCE_MS = 250;

function formatDate(value: string): string {
  const date = new Date(value);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short" });
}

function clampScore(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function sortTickets(items: Ticket[], key: keyof Ticket): Ticket[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

function classNames(...names: Array<string | false | undefined>): string {
  return names.filter(Boolean).join(" ");
}

// agent 2
import { useCallback } from "react";

export async function readTickets(url: string): Promise<Ticket[]> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`${response.status} ${response.statusText}`);
  }
  return (await response.json()) as Ticket[];
}

export function useDebounced<T>(value: T, delay: number = DEBOUNCE_MS): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return current;
}

function TicketItem({ item, selected, onSelect }: TicketItemProps) {
  return (
    <li
      className={classNames("ticket-item", selected && "selected")}
      onClick={() => onSelect(item.id)}
    >
      <ChevronIcon /><span>{item.subject}</span>
      <small>{formatDate(item.updatedAt)}</small>
      <meter value={clamp(item.score, 0, 100)} max={100} />
    </li>
  );
}

const classNames = (...names: Array<string | false | undefined>): string => {
  return names.filter(Boolean).join(" ");
};

// agent 3
const DEBOUNCE_MS = 500;

export function TicketList({ filter, header }: TicketListProps) {
  const [items, setItems] = useState<Ticket[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const query = useDebounced(filter);
  useEffect(() => {
    readTickets(`${API_BASE}?q=${encodeURIComponent(query)}`).then(setItems, console.error);
  }, [query]);
  const visible = useMemo(
    () => sortTickets(items, "subject").slice(0, MAX_TICKETS),
    [items],
  );
  const select = useCallback((id: string) => setSelected(id), []);
  return (
    <section>
      {header}
      <ul>
        {visible.map((item) => (
          <TicketItem
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
