/**
 * What the fake upstream received, grouped by the marker's `tag`, so a test can prove how many
 * calls an adapter made, what it sent, and whether it hung up early (Stop → upstream aborted).
 */

export interface LoggedRequest {
  path: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  case: string;
  tag: string;
  /** 1 for the first request with this tag, 2 for the next, … */
  attempt: number;
  status: number;
  closedByClient: boolean;
  finished: boolean;
  /** Epoch ms when the request arrived (lets tests check retry waits). */
  receivedAt: number;
}

/** Oldest tags are dropped beyond this, so long benchmark runs don't grow memory forever. */
const MAX_TAGS = 5_000;

export class RequestLog {
  #byTag = new Map<string, LoggedRequest[]>();

  /** Records a request and returns its entry (updated in place as the response progresses). */
  add(entry: Omit<LoggedRequest, "attempt">): LoggedRequest {
    let requests = this.#byTag.get(entry.tag);
    if (!requests) {
      requests = [];
      this.#byTag.set(entry.tag, requests);
      if (this.#byTag.size > MAX_TAGS) {
        const oldest = this.#byTag.keys().next().value;
        if (oldest !== undefined) this.#byTag.delete(oldest);
      }
    }
    const logged: LoggedRequest = { ...entry, attempt: requests.length + 1 };
    requests.push(logged);
    return logged;
  }

  byTag(tag: string): LoggedRequest[] {
    return this.#byTag.get(tag) ?? [];
  }
}

/** Node's header object flattened to lower-case name → single string. */
export function flattenHeaders(headers: NodeJS.Dict<string | string[]>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}
