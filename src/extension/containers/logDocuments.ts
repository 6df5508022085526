import * as vscode from 'vscode';

import { isMissingFileError, readHostFile, type Host } from '../../engine/hosts';
import type { CommandRunner } from '../../engine/runner';

/**
 * Scheme of read-only CRIU logs read from a host: `checkpoint-lens-log:/<host>/<path on host>`.
 * The name ends in dump.log or restore.log, so VS Code gives it the criu-log language and the
 * diagnostics apply as they do to a file.
 */
export const LOG_SCHEME = 'checkpoint-lens-log';

export function hostLogUri(hostName: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: LOG_SCHEME, path: `/${encodeURIComponent(hostName)}${path}` });
}

function parseHostLogUri(uri: vscode.Uri): { hostName: string; path: string } {
  const match = /^\/([^/]+)(\/.*)$/.exec(uri.path);
  if (!match) throw vscode.FileSystemError.FileNotFound(uri);
  return { hostName: decodeURIComponent(match[1]), path: match[2] };
}

interface CachedLog {
  bytes: Uint8Array;
  mtime: number;
}

/**
 * A read-only file system over the hosts' CRIU logs, read with `cat` through the host's prefix.
 * A file system provider rather than a content provider, because the explanation document
 * reads a closed log again through `workspace.fs`.
 */
export class HostLogFileSystem implements vscode.FileSystemProvider {
  private readonly cache = new Map<string, CachedLog>();
  private readonly changeEmitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changeEmitter.event;

  constructor(
    private readonly runner: CommandRunner,
    private readonly findHost: (name: string) => Host | undefined,
  ) {}

  /** Stores text already read, e.g. by the failure diagnosis, and fires a change event so open editors reload it. */
  put(uri: vscode.Uri, text: string): void {
    this.cache.set(uri.toString(), { bytes: new TextEncoder().encode(text), mtime: Date.now() });
    this.changeEmitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  /** Drops the cached text, so the next read goes to the host. */
  forget(uri: vscode.Uri): void {
    if (this.cache.delete(uri.toString())) this.changeEmitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const log = await this.load(uri);
    return { type: vscode.FileType.File, ctime: log.mtime, mtime: log.mtime, size: log.bytes.byteLength, permissions: vscode.FilePermission.Readonly };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return (await this.load(uri)).bytes;
  }

  private async load(uri: vscode.Uri): Promise<CachedLog> {
    const cached = this.cache.get(uri.toString());
    if (cached) return cached;

    const { hostName, path } = parseHostLogUri(uri);
    const host = this.findHost(hostName);
    if (!host) throw vscode.FileSystemError.Unavailable(`Host "${hostName}" is not in the checkpointLens.hosts setting.`);
    try {
      const file = await readHostFile(this.runner, host, path, { timeoutMs: 60_000 });
      const log = { bytes: new TextEncoder().encode(file.text), mtime: Date.now() };
      this.cache.set(uri.toString(), log);
      return log;
    } catch (error) {
      if (isMissingFileError(error)) throw vscode.FileSystemError.FileNotFound(`${path} does not exist on host "${hostName}"`);
      throw vscode.FileSystemError.Unavailable(`Reading ${path} on host "${hostName}" failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  writeFile(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    this.changeEmitter.dispose();
    this.cache.clear();
  }
}
