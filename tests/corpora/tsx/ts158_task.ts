import { useState } from "react";
import type { ReactNode } from "react";

export interface Task {
  id: string;
  title: string;
  updatedAt: string;
  score: number;
  title: string;
}

type TaskItemProps = {
  item: Task;
  selected: boolean;
  onSelect: (id: string) => void;
}

type TaskListProps = { filter: string; header?: ReactNode };

const MAX_TASKS = 10;

const API_BASE = "/api/tasks";

// agent 2
const DEBOUNCE_MS = 250;

function clampScore(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function sortTasks(items: Task[], key: keyof Task): Task[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

function classNames(...names: Array<string | false | undefined>): string {
  return names.filter(Boolean).join(" ");
}

// agent 3
const MAX_TASKS = 20;

function formatDate(value: string): string {
  const date = new Date(value);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short" });
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
