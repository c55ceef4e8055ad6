import { useState, useEffect } from "react";
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

const MAX_COMMENTS = 50;

// agent 2
const API_BASE = "/api/comments";

const DEBOUNCE_MS = 250;

function sortComments(items: Comment[], key: keyof Comment): Comment[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

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

export async function readComments(url: string): Promise<Comment[]> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`${response.status} ${response.statusText}`);
  }
  return (await response.json()) as Comment[];
}

import { useEffect } from "react";

// agent 3
const MAX_COMMENTS = 50;

export function useDebounced<T>(value: T, delay: number = DEBOUNCE_MS): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return current;
}
