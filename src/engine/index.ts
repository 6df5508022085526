/**
 * The engine layer: runs podman, crun and CRIU on a host through its command prefix, parses their
 * output and orchestrates checkpoint and restore. It imports no `vscode`, so the extension, the
 * command-line tool and plain Node tests can all use it.
 */
export * from './capabilities';
export * from './errors';
export * from './failure';
export * from './hosts';
export * from './operations';
export * from './podman';
export * from './podmanArgs';
export * from './podmanJson';
export * from './preflight';
export * from './runner';
export * from './shellQuote';
export * from './stats';
