import dayjs from 'dayjs';

export interface Trip {
  id: string;
  title: string;
  city: string;
  startsOn: string;
}

export function renderTrips(list: HTMLUListElement, trips: Trip[]): void {
  list.replaceChildren(
    ...(trips.length === 0
      ? [item('No trips yet.')]
      : trips.map((t) => item(`${t.title}, ${t.city}, ${dayjs(t.startsOn).format('D MMM YYYY')}`))),
  );
}

function item(text: string): HTMLLIElement {
  const li = document.createElement('li');
  li.textContent = text;
  return li;
}
