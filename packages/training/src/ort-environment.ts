/**
 * onnxruntime-node writes usage telemetry unless told not to: a device id and a database under
 * $HOME/.cache/Microsoft/DeveloperTools and a /tmp/mat-debug-<pid>.log per process. A run must
 * write nothing outside its output folder, its run store and the documented caches, so this is
 * turned off before the native library loads (import this module before onnxruntime-node). It
 * sets the real process environment, which native code reads; a worker thread's process.env is
 * a copy, hence the main thread must import this first (the package index does).
 */
process.env.ORT_DISABLE_TELEMETRY = '1';

export {};
