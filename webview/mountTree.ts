// Mount tree of the "Mounts and Mappings" webview, rendered lazily: a node's children enter the
// DOM only when it is opened, and at most CHILD_PAGE of them at a time. A snapshot with 10,000
// mounts therefore starts with a few hundred tree items instead of 10,000.
import { filterMountTree, groupKey, MOUNT_TABLES, mountChildren, mountPath, type MountRow, type MountTableName, visibleText } from './viewModel';

interface TreeItemElement extends HTMLElement {
  open: boolean;
  selected: boolean;
  branch: boolean;
  active: boolean;
}

/** Children rendered per page; the "Show more" item after them renders the next page. */
const CHILD_PAGE = 200;
/** Matches of a filter whose paths are opened; see filterMountTree. */
const MAX_OPENED_MATCHES = 50;

const TABLE_LABELS: Record<MountTableName, string> = {
  container: "Container's mountinfo",
  runtime: "Runtime side's mountinfo",
  host: "Host's mountinfo",
  outside: 'In no mountinfo given',
};

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** State of one node whose children are in the DOM. */
interface RenderedChildren {
  /** Children of the node that the current filter shows. */
  rows: MountRow[];
  /** How many of `rows` are in the DOM. */
  count: number;
  more: TreeItemElement | null;
}

export class MountTree {
  readonly element: HTMLElement;
  private readonly children: Map<string, MountRow[]>;
  private readonly rowsByKey: Map<string, MountRow>;
  /** Rendered tree items by row or group key. */
  private readonly items = new Map<string, TreeItemElement>();
  private readonly rendered = new Map<string, RenderedChildren>();
  private shown: Set<string> | null = null;
  private selectedItem: TreeItemElement | null = null;
  private readonly status: HTMLElement;

  constructor(
    private readonly rows: readonly MountRow[],
    status: HTMLElement,
  ) {
    this.children = mountChildren(rows);
    this.rowsByKey = new Map(rows.map((row) => [row.key, row]));
    this.status = status;
    this.element = element('vscode-tree');
    this.element.setAttribute('indent-guides', 'onHover');

    // vscode-tree opens a node on click, ArrowRight and Enter by setting its `open` property.
    // The property is reflected to the attribute, so this observer receives every opening.
    new MutationObserver((records) => {
      for (const record of records) {
        const item = record.target as TreeItemElement;
        if (item.open && item.dataset.key !== undefined) this.renderChildren(item, item.dataset.key);
      }
    }).observe(this.element, { subtree: true, attributes: true, attributeFilter: ['open'] });

    // vscode-elements 2.5 sends the selected items as the detail itself.
    this.element.addEventListener('vsc-tree-select', (event) => {
      const detail = (event as CustomEvent<TreeItemElement[] | { selectedItems: TreeItemElement[] }>).detail;
      const items = Array.isArray(detail) ? detail : (detail?.selectedItems ?? []);
      const item = items[0] ?? null;
      if (item?.dataset.moreOf !== undefined) {
        this.showMore(item.dataset.moreOf, true);
        return;
      }
      this.selectedItem = item;
    });
    this.render(null);
  }

  /** Rebuilds the tree for a filter text; the paths to the first matches are opened. */
  filter(text: string): void {
    const result = filterMountTree(this.rows, text, MAX_OPENED_MATCHES);
    this.render(result.shown, result.opened, result.matchesByTable);
    if (result.shown === null) this.status.textContent = '';
    else if (result.matchCount === 0) this.status.textContent = 'No mount matches.';
    else if (result.matchCount > MAX_OPENED_MATCHES) this.status.textContent = `${result.matchCount} mounts match; the paths to the first ${MAX_OPENED_MATCHES} are open.`;
    else this.status.textContent = `${result.matchCount} ${result.matchCount === 1 ? 'mount matches' : 'mounts match'}.`;
  }

  /** Reports whether the current filter hides the row. */
  hides(key: string): boolean {
    return this.shown !== null && !this.shown.has(key);
  }

  /** Opens the ancestors of a row, renders it and selects it. Returns the item, or null for an unknown or hidden key. */
  select(key: string): TreeItemElement | null {
    if (!this.rowsByKey.has(key) || this.hides(key)) return null;
    const path = mountPath(this.rowsByKey, key);
    for (let index = 0; index < path.length; index++) {
      const item = this.items.get(path[index]);
      if (!item) return null;
      if (index === path.length - 1) break;
      item.open = true;
      this.renderChildren(item, path[index]);
      this.reveal(path[index], path[index + 1]);
    }
    const item = this.items.get(key)!;
    if (this.selectedItem && this.selectedItem !== item) this.selectedItem.selected = false;
    item.selected = true;
    item.active = true;
    this.selectedItem = item;
    return item;
  }

  private render(shown: Set<string> | null, opened: Set<string> = new Set(), matchesByTable: Map<MountTableName, number> = new Map()): void {
    this.shown = shown;
    this.items.clear();
    this.rendered.clear();
    this.selectedItem = null;
    this.element.replaceChildren();
    const hasGap = new Set(this.rows.filter((row) => row.gapIndexes.length > 0).map((row) => row.table));

    for (const table of MOUNT_TABLES) {
      const key = groupKey(table);
      const roots = this.visibleChildren(key);
      if (roots.length === 0) continue;
      const total = this.rows.reduce((sum, row) => sum + (row.table === table ? 1 : 0), 0);
      // Under a filter the count is of matches, as in the status line; the ancestors shown around them are not counted.
      const matches = matchesByTable.get(table) ?? 0;
      const count = shown === null ? String(total) : `${matches} of ${total} ${matches === 1 ? 'matches' : 'match'}`;
      const group = element('vscode-tree-item') as TreeItemElement;
      group.dataset.key = key;
      group.branch = true;
      group.append(element('span', 'group-label', `${TABLE_LABELS[table]} (${count})`));
      this.items.set(key, group);
      this.element.append(group);
      const open = shown === null ? table === 'container' || table === 'outside' || hasGap.has(table) : opened.has(key);
      if (open) {
        group.open = true;
        this.renderChildren(group, key, (row) => (shown === null ? row.depth < 1 : opened.has(row.key)), opened);
      }
    }
  }

  /** Children of a node that the current filter shows. */
  private visibleChildren(key: string): MountRow[] {
    const all = this.children.get(key) ?? [];
    const shown = this.shown;
    return shown === null ? all : all.filter((row) => shown.has(row.key));
  }

  /**
   * Puts the first page of a node's children into the DOM unless they are there already. With
   * `openChild`, children it accepts are opened at once and their children rendered in turn.
   */
  private renderChildren(parent: TreeItemElement, key: string, openChild?: (row: MountRow) => boolean, opened?: Set<string>): void {
    if (this.rendered.has(key)) return;
    const state: RenderedChildren = { rows: this.visibleChildren(key), count: 0, more: null };
    this.rendered.set(key, state);
    this.appendPage(parent, key, state, CHILD_PAGE);
    if (!openChild) return;
    for (const row of state.rows.slice(0, state.count)) {
      if (!row.hasChildren || !openChild(row)) continue;
      const item = this.items.get(row.key)!;
      item.open = true;
      this.renderChildren(item, row.key, opened ? (child) => opened.has(child.key) : () => false, opened);
    }
  }

  /** Renders up to `size` more children of a node and moves or removes its "Show more" item. */
  private appendPage(parent: TreeItemElement, key: string, state: RenderedChildren, size: number): void {
    const end = Math.min(state.rows.length, state.count + size);
    const fragment = document.createDocumentFragment();
    for (let index = state.count; index < end; index++) fragment.append(this.mountItem(state.rows[index]));
    state.count = end;
    state.more?.remove();
    state.more = null;
    if (end < state.rows.length) {
      const more = element('vscode-tree-item', 'more') as TreeItemElement;
      more.dataset.moreOf = key;
      const next = Math.min(CHILD_PAGE, state.rows.length - end);
      more.append(element('span', 'more-label', `Show ${next} more of ${state.rows.length - end} hidden mounts…`));
      fragment.append(more);
      state.more = more;
    }
    parent.append(fragment);
  }

  /** Renders the next page of a node's children; with `focus`, moves the keyboard focus to the first new item. */
  private showMore(key: string, focus: boolean): void {
    const state = this.rendered.get(key);
    const parent = this.items.get(key);
    if (!state || !parent) return;
    const first = state.count;
    this.appendPage(parent, key, state, CHILD_PAGE);
    const item = this.items.get(state.rows[first]?.key ?? '');
    if (focus && item) {
      item.active = true;
      requestAnimationFrame(() => item.focus());
    }
  }

  /** Renders pages of a node's children until `childKey` is among them. */
  private reveal(key: string, childKey: string): void {
    const state = this.rendered.get(key);
    const parent = this.items.get(key);
    if (!state || !parent || this.items.has(childKey)) return;
    const index = state.rows.findIndex((row) => row.key === childKey);
    if (index < 0) return;
    this.appendPage(parent, key, state, Math.ceil((index + 1 - state.count) / CHILD_PAGE) * CHILD_PAGE);
  }

  private mountItem(row: MountRow): TreeItemElement {
    const item = element('vscode-tree-item') as TreeItemElement;
    item.dataset.key = row.key;
    if (row.gapIndexes.length > 0) item.classList.add('gap-mount');
    // vscode-tree marks a node as a branch only once children are slotted. Setting it here gives
    // a node with unrendered children its arrow and lets ArrowRight open it.
    if (row.hasChildren && this.visibleChildren(row.key).length > 0) item.branch = true;

    // A mount point may contain a tab or a newline, which would show as a space.
    const label = element('span', 'mount-point', visibleText(row.mountPoint));
    const description = element('span', 'mount-description', `${row.mountId}${row.parentId === null ? '' : ` ← ${row.parentId}`}  ${visibleText(row.fsType)}  root ${visibleText(row.root)}  ${visibleText(row.source)}`);
    description.slot = 'description';
    const badges = element('span', 'badges');
    badges.slot = 'decoration';
    for (const badge of row.propagation) badges.append(element('span', `badge badge-${badge.split(':')[0]}`, badge));
    if (row.gapIndexes.length > 0) badges.append(element('span', 'badge badge-gap', 'gap'));
    item.title = `mount ${row.mountId}, parent ${row.parentId ?? 'none'}\nmount point ${visibleText(row.mountPoint)}\nroot ${visibleText(row.root)}\nfs type ${visibleText(row.fsType)}\nsource ${visibleText(row.source)}`;
    item.append(label, description, badges);
    this.items.set(row.key, item);
    return item;
  }
}
