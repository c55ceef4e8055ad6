import { useState, useEffect } from "react";
import type { ReactNode } from "react";

export interface User {
  id: string;
  email: string;
  updatedAt: string;
  score: number;
  email: number;
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
const DEBOUNCE_MS = 250;

function clampScore(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function classNames(...names: Array<string | false | undefined>): string {
  return names.filter(Boolean).join(" ");
}

function sortUsers(items: User[], key: keyof User): User[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

function formatDate(value: string): string {
  const date = new Date(value);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short" });
}

import { useEffect } from "react";

// agent 3
const MAX_USERS = 40;

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

function classNames(...names: Array<string | false | undefined>): string {
  // rewritten by another agent
  return names.filter(Boolean).join(" ");
}
