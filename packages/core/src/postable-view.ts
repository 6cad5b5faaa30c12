/**
 * A typed array as it should be posted to another thread: one in a SharedArrayBuffer, or one
 * that is its whole buffer, as it is (shared memory reaches the thread as the same memory; a
 * whole buffer is copied once); a view of part of an ordinary buffer as a copy of that part,
 * since postMessage would copy the whole buffer under it. Anything else is returned unchanged.
 */
export function postableView<T>(view: T): T {
  if (!ArrayBuffer.isView(view) || view.buffer instanceof SharedArrayBuffer) return view;
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength) return view;
  return (view as unknown as { slice(): T }).slice();
}
