import { MessageChannel } from 'node:worker_threads';

/** What another thread receives for `value`: a real structured clone, through a message port. */
export async function postedAcross<T>(value: T): Promise<T> {
  const { port1, port2 } = new MessageChannel();
  const got = new Promise<T>((resolve) => port2.once('message', resolve));
  port1.postMessage(value);
  const out = await got;
  port1.close();
  return out;
}
