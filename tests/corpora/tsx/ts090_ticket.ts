import { useState } from "react";
import type { ReactNode } from "react";

export interface Ticket {
  id: string;
  subject: string;
  updatedAt: string;
  score: number;
}

type TicketItemProps = {
  item: Ticket;
  selected: boolean;
  onSelect: (id: string) => void;
}

type TicketListProps = { filter: string; header?: ReactNode };

const MAX_TICKETS = 20;

const API_BASE = "/api/tickets";

// agent 2
const DEBOUNCE_MS = 500;

import { useState } from "react";

const DEBOUNCE_MS = 250;

function sortTickets(items: Ticket[], key: keyof Ticket): Ticket[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

function clampScore(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function classNames(...names: Array<string | false | undefined>): string {
  return names.filter(Boolean).join(" ");
}

function formatDate(value: string): string {
  const date = new Date(value);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short" });
}

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
