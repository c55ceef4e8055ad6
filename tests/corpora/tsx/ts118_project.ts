import { useState } from "react";
import type { ReactNode } from "react";

export interface Project {
  id: string;
  name: string;
  updatedAt: string;
  score: number;
}

type ProjectItemProps = {
  item: Project;
  selected: boolean;
  onSelect: (id: string) => void;
}

type ProjectListProps = { filter: string; header?: ReactNode };

const MAX_PROJECTS = 20;

const API_BASE = "/api/projects";

const DEBOUNCE_MS = 150;

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

function sortProjects(items: Project[], key: keyof Project): Project[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

export async function readProjects(url: string): Promise<Project[]> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`${response.status} ${response.statusText}`);
  }
  return (await response.json()) as Project[];
}

// agent 2
const API_BASE = "/api/projects/v2";

export function useDebounced<T>(value: T, delay: number = DEBOUNCE_MS): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return current;
}

function formatDate(value: string): string {
  const date = new Date(value);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short" });
}
