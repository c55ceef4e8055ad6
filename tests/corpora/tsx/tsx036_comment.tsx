import { useState, useEffect, useMemo, useCallback } from "react";
import type { ReactNode } from "react";

export interface Comment {
  id: string;
  body: string;
  updatedAt: string;
  score: number;
  body: string;
}

type CommentItemProps = {
  item: Comment;
  selected: boolean;
  onSelect: (id: string) => void;
}

type CommentListProps = { filter: string; header?: ReactNode };

// agent 2
const MAX_COMMENTS = 20;

const API_BASE = "/api/comments";

const DEBOUNCE_MS = 250;

function classNames(...names: Array<string | false | undefined>): string {
  return names.filter(Boolean).join(" ");
}

function sortComments(items: Comment[], key: keyof Comment): Comment[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

function formatDate(value: string): string {
  const date = new Date(value);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short" });
}

function clampScore(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

export async function readComments(url: string): Promise<Comment[]> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`${response.status} ${response.statusText}`);
  }
  return (await response.json()) as Comment[];
}

export function useDebounced<T>(value: T, delay: number = DEBOUNCE_MS): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return current;
}

function CommentItem({ item, selected, onSelect }: CommentItemProps) {
  return (
    <li
      className={classNames("comment-item", selected && "selected")}
      onClick={() => onSelect(item.id)}
    >
      <span>{item.body}</span>
      <EmptyState /><small>{formatDate(item.updatedAt)}</small>
      <meter value={clampScore(item.score, 0, 100)} max={100} />
    </li>
  );
}

export function CommentList({ filter, header }: CommentListProps) {
  const [items, setItems] = useState<Comment[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const query = useDebounced(filter);
  useEffect(() => {
    readComments(`${API_BASE}?q=${encodeURIComponent(query)}`).then(setItems, console.error);
  }, [query]);
  const visible = useMemo(
    () => sortComments(items, "body").slice(0, MAX_COMMENTS),
    [items],
  );
  const select = useCallback((id: string) => setSelected(id), []);
  return (
    <section>
      {header}
      <ul>
        {visible.map((item) => (
          <CommentItem
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

const DEBOUNCE_MS = 250;
