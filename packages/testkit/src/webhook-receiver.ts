import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from './wait-for.js';

/** One alert inside an Alertmanager webhook notification. */
export interface WebhookAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
}

/** An Alertmanager webhook payload (version 4), with the path it was posted to. */
export interface WebhookNotification {
  readonly path: string;
  readonly receivedAt: number;
  readonly receiver: string;
  readonly status: 'firing' | 'resolved';
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly alerts: readonly WebhookAlert[];
}

/** An HTTP server on 127.0.0.1 that records every Alertmanager notification posted to it. */
export interface WebhookReceiver {
  /** Base URL; any path is accepted, so one receiver can stand in for several receivers. */
  readonly url: string;
  readonly notifications: readonly WebhookNotification[];
  /** Resolves with the first notification matching `predicate`, received before or after the call. */
  waitForNotification(
    predicate: (n: WebhookNotification) => boolean,
    timeoutMs?: number,
  ): Promise<WebhookNotification>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts a webhook receiver on a free loopback port. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const notifications: WebhookNotification[] = [];
  const server = createServer((request, response) => {
    readBody(request)
      .then((body) => {
        const payload = JSON.parse(body) as Omit<WebhookNotification, 'path' | 'receivedAt'>;
        notifications.push({ ...payload, path: request.url ?? '/', receivedAt: Date.now() });
        response.writeHead(200).end();
      })
      .catch(() => response.writeHead(400).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    notifications,
    waitForNotification: (predicate, timeoutMs = 60_000) =>
      waitFor(() => notifications.find(predicate), {
        timeoutMs,
        description: `a matching webhook notification (received so far: ${notifications.length})`,
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
