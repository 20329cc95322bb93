// The child side of lib/children.mjs: answer requests from the parent, exit when asked or when
// the parent goes away (so no orphan keeps a core busy after Ctrl-C or a crash).

/** Handles `{type}` requests with `handlers[type]()`, replying with what it returns. */
export function serveParent(handlers) {
  process.on('message', async (/** @type {any} */ message) => {
    if (message?.type === 'stop') process.exit(0);
    const handler = handlers[message?.type];
    if (!handler) return;
    try {
      process.send({ ...(await handler()), type: `${message.type}:done` });
    } catch (error) {
      process.send({ type: 'error', error: String(error?.stack ?? error) });
    }
  });
  exitWithParent();
}

/** Exits when the IPC channel closes, i.e. the parent died or was interrupted. */
export function exitWithParent() {
  process.on('disconnect', () => process.exit(0));
}

/** Reports a startup failure to the parent, then exits non-zero. */
export function failStartup(error) {
  process.send?.({ type: 'error', error: String(error?.stack ?? error) });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100);
}
