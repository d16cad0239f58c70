import net from 'node:net';

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's choice). Another process
 * could take it before the caller's server does; the window is milliseconds, and a server that then
 * fails to start says so in its log.
 */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** True when a connection to 127.0.0.1:port is refused, i.e. no process listens there any more. */
export async function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** Sends a signal, ignoring a process that has already gone (ESRCH). */
export function signalIfAlive(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

const lastResorts = new Set<() => void>();
let exitHookInstalled = false;

/**
 * Runs `kill` when this process exits with the server still up: the last resort for a test that
 * failed before its afterAll/afterEach could close the server. Only synchronous work runs at 'exit',
 * and nothing runs at all when the process is killed by a signal, so callers must still close.
 * Returns the function that unregisters it (close calls it).
 */
export function killOnExit(kill: () => void): () => void {
  if (!exitHookInstalled) {
    process.once('exit', runLastResorts);
    exitHookInstalled = true;
  }
  lastResorts.add(kill);
  return () => {
    lastResorts.delete(kill);
  };
}

function runLastResorts(): void {
  for (const kill of lastResorts) {
    try {
      kill();
    } catch {
      // Exiting anyway: one server that could not be killed must not keep the others alive.
    }
  }
  lastResorts.clear();
}

/** Starts a server just made; one that fails to start is closed (its directory removed) before the error goes on. */
export async function startedOrClosed<T extends { start(): Promise<void>; close(): Promise<void> }>(server: T): Promise<T> {
  try {
    await server.start();
  } catch (error) {
    await server.close();
    throw error;
  }
  return server;
}
