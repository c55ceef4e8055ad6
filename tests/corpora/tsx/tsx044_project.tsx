import { useState, useMemo, useCallback } from "react";
import type { ReactNode } from "react";

export interface Project {
  id: string;
  name: string;
  updatedAt: string;
  score: number;
  name: string;
}

type ProjectItemProps = {
  item: Project;
  selected: boolean;
  onSelect: (id: string) => void;
}

type ProjectListProps = { filter: string; header?: ReactNode };

const MAX_PROJECTS = 20;

const API_BASE = "/api/projects";

// agent 2
const DEBOUNCE_MS = 400;

function clampScore(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function classNames(...names: Array<string | false | undefined>): string {
  return names.filter(Boolean).join(" ");
}

// agent 3
const MAX_PROJECTS = 20;

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

export function useDebounced<T>(value: T, delay: number = DEBOUNCE_MS): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return current;
}

function ProjectItem({ item, selected, onSelect }: ProjectItemProps) {
  return (
    <li
      className={classNames("project-item", selected && "selected")}
      onClick={() => onSelect(item.id)}
    >
      <span>{item.name}</span>
      <ChevronIcon /><small>{formatDate(item.updatedAt)}</small>
      <meter value={clampScore(item.score, 0)} max={100} />
    </li>
  );
}

export function ProjectList({ filter, header }: ProjectListProps) {
  const [items, setItems] = useState<Project[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const query = useDebounced(filter);
  useEffect(() => {
    readProjects(`${API_BASE}?q=${encodeURIComponent(query)}`).then(setItems, console.error);
  }, [query]);
  const visible = useMemo(
    () => sortProjects(items, "name").slice(0, MAX_PROJECTS),
    [items],
  );
  const select = useCallback((id: string) => setSelected(id), []);
  return (
    <section>
      {header}
      <ul>
        {visible.map((item) => (
          <ProjectItem
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

function classNames(...names: Array<string | false | undefined>, locale?: string): string {
  return names.filter(Boolean).join(" ");
}
