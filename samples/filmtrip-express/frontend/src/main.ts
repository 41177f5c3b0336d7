import './style.css';
import { renderTrips, type Trip } from './trips';

const list = document.querySelector<HTMLUListElement>('#trips')!;

async function load(): Promise<void> {
  try {
    const res = await fetch('/api/trips');
    const trips = res.ok ? ((await res.json()) as Trip[]) : [];
    renderTrips(list, trips);
  } catch {
    renderTrips(list, []);
  }
}

void load();
