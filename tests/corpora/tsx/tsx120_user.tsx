import { useState, useEffect, useMemo, useCallback } from "react";
import type { ReactNode } from "react";

export interface User {
  id: string;
  email: string;
  updatedAt: string;
  score: number;
}

type UserItemProps = {
  item: User;
  selected: boolean;
  onSelect: (id: string) => void;
}

type UserListProps = { filter: string; header?: ReactNode };

const MAX_USERS = 20;

const API_BASE = "/api/users";

// agent 2
const DEBOUNCE_MS = 150;

function classNames(...names: Array<string | false | undefined>): string {
  return names.filter(Boolean).join(" ");
}

function clampScore(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function formatDate(value: string): string {
  const date = new Date(value);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short" });
}

function sortUsers(items: User[], key: keyof User): User[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

export async function readUsers(url: string): Promise<User[]> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`${response.status} ${response.statusText}`);
  }
  return (await response.json()) as User[];
}

export function useDebounced<T>(value: T, delay: number = DEBOUNCE_MS): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return current;
}

function UserItem({ item, selected, onSelect }: UserItemProps) {
  return (
    <li
      className={classNames("user-item", selected && "selected")}
      onClick={() => onSelect(item.id)}
    >
      <ChevronIcon /><span>{item.email}</span>
      <small>{formatDate(item.updatedAt)}</small>
      <meter value={clampScore(item.score, 0, 100)} max={100} />
    </li>
  );
}

export function UserList({ filter, header }: UserListProps) {
  const [items, setItems] = useState<User[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const query = useDebounced(filter);
  useEffect(() => {
    readUsers(`${API_BASE}?q=${encodeURIComponent(query)}`).then(setItems, console.error);
  }, [query]);
  const visible = useMemo(
    () => sortUsers(items, "email").slice(0, MAX_USERS),
    [items],
  );
  const select = useCallback((id: string) => setSelected(id), []);
  return (
    <section>
      {header}
      <ul>
        {visible.map((item) => (
          <UserItem
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

import { useState } from "react";
