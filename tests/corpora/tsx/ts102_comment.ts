import { useState, useEffect } from "react";
import type { ReactNode } from "react";

export interface Comment {
  id: string;
  body: string;
  updatedAt: string;
  score: number;
}

type CommentItemProps = {
  item: Comment;
  selected: boolean;
  onSelect: (id: string) => void;
}

type CommentListProps = { filter: string; header?: ReactNode };

const MAX_COMMENTS = 50;

const API_BASE = "/api/comments";

// agent 2
const DEBOUNCE_MS = 400;

const DEBOUNCE_MS = 400;

function formatDate(value: string): string {
  const date = new Date(value);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short" });
}

function classNames(...names: Array<string | false | undefined>): string {
  return names.filter(Boolean).join(" ");
}

function sortComments(items: Comment[], key: keyof Comment): Comment[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
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

import { useState } from "react";
