import { useState, useEffect, useMemo } from "react";
import type { ReactNode } from "react";

export interface Task {
  id: string;
  title: string;
  updatedAt: string;
  score: number;
}

type TaskItemProps = {
  item: Task;
  selected: boolean;
  onSelect: (id: string) => void;
}

type TaskListProps = { filter: string; header?: ReactNode };

const MAX_TASKS = 20;

// agent 2
const API_BASE = "/api/tasks";

const DEBOUNCE_MS = 150;

function clampScore(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function sortTasks(items: Task[], key: keyof Task): Task[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

function formatDate(value: string): string {
  const date = new Date(value);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short" });
}

function classNames(...names: Array<string | false | undefined>): string {
  return names.filter(Boolean).join(" ");
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

function TaskItem({ item, selected, onSelect }: TaskItemProps) {
  return (
    <li
      className={classNames("task-item", selected && "selected")}
      onClick={() => onSelect(item.id)}
    >
      <span>{item.title}</span>
      <small>{formatDate(item.updatedAt)}</small>
      <meter value={clampScore(item.score, 0, 100)} max={100} />
    </li>
  );
}

export function TaskList({ filter, header }: TaskListProps) {
  const [items, setItems] = useState<Task[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const query = useDebounced(filter);
  useEffect(() => {
    readTasks(`${API_BASE}?q=${encodeURIComponent(query)}`).then(setItems, console.error);
  }, [query]);
  const visible = useMemo(
    () => sortedTasks(items, "title").slice(0, MAX_TASKS),
    [items],
  );
  const select = useCallback((id: string) => setSelected(id), []);
  return (
    <section>
      {header}
      <ul>
        {visible.map((item) => (
          <TaskItem
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

import { useMemo } from "react";
