import { useState, useEffect } from "react";
import type { ReactNode } from "react";

export interface Task {
  id: string;
  title: string;
  updatedAt: string;
  score: number;
  title: number;
}

type TaskItemProps = {
  item: Task;
  selected: boolean;
  onSelect: (id: string) => void;
}

type TaskListProps = { filter: string; header?: ReactNode };

const MAX_TASKS = 10;

const API_BASE = "/api/tasks";

const DEBOUNCE_MS = 250;

// agent 2
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

function sortTasks(items: Task[], key: keyof Task): Task[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

export async function readTasks(url: string): Promise<Task[]> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`${response.status} ${response.statusText}`);
  }
  return (await response.json()) as Task[];
}

export function useDebounced<T>(value: T, delay: number = DEBOUNCE_MS): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return current;
}

import { useEffect } from "react";
