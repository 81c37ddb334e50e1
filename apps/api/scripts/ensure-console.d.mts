/** Builds the console (apps/console) unless it has been built; `always`: rebuilds it anyway. */
export declare function ensureConsole(options?: { always?: boolean }): void;
