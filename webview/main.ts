// Script of the "Mounts and Mappings" webview, bundled by build.mjs into dist/webview.js.
//
// Mount points, paths and sources come from the inspected container and may hold markup, so every
// piece of input text reaches the DOM through textContent, never through innerHTML.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-tree/index.js';
import '@vscode-elements/elements/dist/vscode-tree-item/index.js';

import type { HostMessage, PanelSource, PanelState, WebviewMessage } from './protocol';
import { MountTree } from './mountTree';
import { type ClientGapView, MAPPING_CLASSES, type MappingRow, processOfMapping, type ProcessItem, scrollTopFor, unpackGapView, virtualWindow, visibleText } from './viewModel';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;

/** Height of one mapping row in pixels; media/gaps.css sets the same value on `.row`. */
const ROW_HEIGHT = 22;
/** Rows rendered above and below the viewport, so fast scrolling shows no blank band. */
const OVERSCAN = 10;

let view: ClientGapView | null = null;
let source: PanelSource | null = null;
let state: PanelState | null = vscode.getState() ?? null;

// ---------------------------------------------------------------------------------------------
// Requests to the host, matched to their replies by id.

let nextRequestId = 1;
const pending = new Map<number, (reply: HostMessage) => void>();

function request(message: { type: 'getView' } | { type: 'showInLog'; line: number }): Promise<HostMessage> {
  const id = nextRequestId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    vscode.postMessage({ ...message, id });
  });
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if ('requestId' in message) {
    pending.get(message.requestId)?.(message);
    pending.delete(message.requestId);
    return;
  }
  if (message.type === 'selectLogLine') selectGapOfLogLine(message.line);
});

// ---------------------------------------------------------------------------------------------
// Small DOM helpers. `text` is always set as textContent.

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function saveState(patch: Partial<PanelState>): void {
  if (!source) return;
  state = { source, selectedGap: null, selectedMapping: null, mountFilter: '', tableScrollTop: 0, ...state, ...patch };
  vscode.setState(state);
}

// ---------------------------------------------------------------------------------------------
// Header

function renderHeader(data: ClientGapView): HTMLElement {
  const header = element('header', 'panel-header');
  const list = element('dl');
  const fields: [string, string | null][] = [
    ['Input', data.header.source],
    ['Container', data.header.container],
    ['Host', data.header.host],
    ['PID', data.processes.length > 1 || data.header.pid === null ? null : String(data.header.pid)],
    ['Processes', data.processes.length > 1 ? processesText(data.processes) : null],
    ['Runtime', data.header.runtime],
    ['Log', data.header.logVerdict],
  ];
  for (const [name, value] of fields) {
    if (value === null) continue;
    // A div per pair keeps name and value together when the list wraps.
    const pair = element('div', 'field');
    pair.append(element('dt', undefined, name), element('dd', name === 'Log' ? 'verdict' : undefined, value));
    list.append(pair);
  }
  header.append(list);
  if (data.header.description) {
    const description = element('p', 'description', data.header.description);
    // A narrow panel cuts the description to one line, so the tooltip carries all of it.
    description.title = data.header.description;
    header.append(description);
  }
  return header;
}

/** Returns e.g. `2 read: pid 5847 (no gaps), pid 5861 (1 gap)`. */
function processesText(processes: readonly ProcessItem[]): string {
  const each = processes.map((process) => `pid ${process.pid ?? '?'} (${process.gapCount === 0 ? 'no gaps' : plural(process.gapCount, 'gap', 'gaps')})`);
  return `${processes.length} read: ${each.join(', ')}`;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

// ---------------------------------------------------------------------------------------------
// Gap list: the first and most useful panel.

const gapElements: HTMLElement[] = [];

function renderGaps(data: ClientGapView): HTMLElement {
  const section = element('section', 'gaps');
  section.setAttribute('aria-labelledby', 'gaps-heading');
  const heading = element('h2', undefined, gapsHeading(data));
  heading.id = 'gaps-heading';
  section.append(heading);
  if (data.gaps.length === 0) return section;

  const list = element('ul', 'gap-list');
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-labelledby', 'gaps-heading');
  data.gaps.forEach((gap, index) => {
    const item = element('li', `gap where-${gap.where}`);
    item.setAttribute('role', 'option');
    item.setAttribute('aria-selected', 'false');
    item.tabIndex = index === 0 ? 0 : -1;
    item.dataset.gapIndex = String(index);

    const title = element('div', 'gap-title');
    if (data.processes.length > 1) title.append(element('span', 'gap-pid', `pid ${gap.pid ?? '?'}`), document.createTextNode(' '));
    title.append(document.createTextNode(gap.title));
    item.append(title);
    item.append(element('div', 'gap-owner', gap.ownerText));
    item.append(element('div', 'gap-reason', gap.reason));
    if (gap.verdict) item.append(element('div', 'gap-verdict', gap.verdict));
    const advice = element('ul', 'advice');
    for (const entry of gap.advice) {
      const line = element('li', `advice-${entry.status}`);
      line.append(element('span', 'advice-status', entry.status), document.createTextNode(' '), element('span', undefined, entry.action));
      advice.append(line);
    }
    item.append(advice);

    if (gap.logLine !== null) {
      const button = element('vscode-button', 'show-in-log', `Show in log (line ${gap.logLine})`);
      button.setAttribute('secondary', '');
      button.title = gap.logMessage ?? '';
      button.addEventListener('click', (event) => {
        event.stopPropagation();
        void request({ type: 'showInLog', line: gap.logLine! });
      });
      item.append(button);
    }

    item.addEventListener('click', () => selectGap(index, true));
    item.addEventListener('keydown', (event) => onGapKey(event, index));
    gapElements.push(item);
    list.append(item);
  });
  section.append(list);
  return section;
}

function gapsHeading(data: ClientGapView): string {
  const count = data.processes.length;
  if (data.gaps.length === 0) return count > 1 ? `No gaps in ${count} processes: every file is on a container mount` : 'No gaps: every file is on a container mount';
  if (count === 1) return `Gaps (${data.gaps.length})`;
  const withGaps = data.processes.filter((process) => process.gapCount > 0).length;
  return `Gaps (${data.gaps.length}) in ${withGaps} of ${count} processes`;
}

function onGapKey(event: KeyboardEvent, index: number): void {
  const next = event.key === 'ArrowDown' ? index + 1 : event.key === 'ArrowUp' ? index - 1 : event.key === 'Home' ? 0 : event.key === 'End' ? gapElements.length - 1 : null;
  if (next !== null) {
    event.preventDefault();
    const target = Math.min(Math.max(0, next), gapElements.length - 1);
    gapElements[index].tabIndex = -1;
    gapElements[target].tabIndex = 0;
    gapElements[target].focus();
    return;
  }
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    selectGap(index, true);
  }
}

/** Selects a gap, its first mapping and its mount. */
function selectGap(index: number, scroll: boolean): void {
  if (!view || index < 0 || index >= view.gaps.length) return;
  gapElements.forEach((item, i) => {
    item.setAttribute('aria-selected', String(i === index));
    item.tabIndex = i === index ? 0 : -1;
  });
  const gap = view.gaps[index];
  if (gap.mappingRows.length > 0) selectMapping(gap.mappingRows[0], scroll);
  if (gap.mountKey !== null) selectMount(gap.mountKey, scroll);
  saveState({ selectedGap: index });
}

/** Selects the gap of the mapping at `range` (`start-end`), or the mapping itself when it belongs to no gap. */
function selectMappingRange(range: string): boolean {
  if (!view) return false;
  let index = -1;
  for (let row = 0; row < view.mappings.length && index < 0; row++) {
    const mapping = view.mappings.row(row);
    if (`${mapping.start}-${mapping.end}` === range) index = row;
  }
  if (index < 0) return false;
  const gapIndex = view.mappings.row(index).gapIndex;
  if (gapIndex === null) {
    selectMapping(index, true);
    return true;
  }
  selectGap(gapIndex, true);
  gapElements[gapIndex].scrollIntoView({ block: 'nearest' });
  return true;
}

function selectGapOfLogLine(line: number): void {
  const index = view?.gaps.findIndex((gap) => gap.logLine === line) ?? -1;
  if (index >= 0) {
    selectGap(index, true);
    gapElements[index].scrollIntoView({ block: 'nearest' });
  }
}

// ---------------------------------------------------------------------------------------------
// Mount tree, collapsible so that a narrow panel keeps the gap list and the table in view.

let mountTree: MountTree | null = null;
let mountFilter: (HTMLElement & { value: string }) | null = null;
let mountBody: HTMLElement | null = null;

/** Panel width from which the tree starts open; media/gaps.css puts it beside the table from 1000px. */
const TREE_OPEN_MIN_WIDTH = 1000;

/**
 * Returns a section whose heading is a button that shows and hides `body`. A `details` element
 * would do the same, but its content box cannot be a flex item, which the wide layout needs to
 * give the tree the rest of the column's height.
 */
function collapsibleSection(className: string, title: string, headingId: string, body: HTMLElement, open: boolean, onToggle?: (open: boolean) => void): HTMLElement {
  const section = element('section', `${className} collapsible`);
  section.setAttribute('aria-labelledby', headingId);
  const heading = element('h2');
  const button = element('button', 'toggle', title);
  button.id = headingId;
  body.id = `${headingId}-body`;
  button.setAttribute('aria-controls', body.id);
  const setOpen = (value: boolean): void => {
    button.setAttribute('aria-expanded', String(value));
    section.classList.toggle('open', value);
    body.hidden = !value;
  };
  setOpen(open);
  button.addEventListener('click', () => {
    const value = button.getAttribute('aria-expanded') !== 'true';
    setOpen(value);
    onToggle?.(value);
  });
  heading.append(button);
  section.append(heading, body);
  return section;
}

function renderMounts(data: ClientGapView): HTMLElement {

  const filter = element('vscode-textfield') as HTMLElement & { value: string };
  filter.setAttribute('placeholder', 'Filter by id, mount point, root, fs type or source');
  filter.setAttribute('aria-label', 'Filter mounts');
  filter.className = 'mount-filter';
  const status = element('div', 'filter-status');
  status.setAttribute('role', 'status');

  const tree = new MountTree(data.mounts, status);
  tree.element.setAttribute('aria-labelledby', 'mounts-heading');
  filter.addEventListener('input', () => {
    tree.filter(filter.value);
    saveState({ mountFilter: filter.value });
  });
  if (state?.mountFilter) {
    filter.value = state.mountFilter;
    tree.filter(state.mountFilter);
  }

  const body = element('div', 'mounts-body');
  body.append(filter, status, tree.element);
  const open = state?.treeOpen ?? window.innerWidth >= TREE_OPEN_MIN_WIDTH;
  const section = collapsibleSection('mounts', `Mount tree (${data.mounts.length})`, 'mounts-heading', body, open, (value) => saveState({ treeOpen: value }));
  mountTree = tree;
  mountFilter = filter;
  mountBody = body;
  return section;
}

/** Selects a mount in the tree and opens its ancestors; clears a filter that hides it. */
function selectMount(key: string, scroll: boolean): void {
  if (!mountTree) return;
  if (mountTree.hides(key) && mountFilter) {
    mountFilter.value = '';
    mountTree.filter('');
    saveState({ mountFilter: '' });
  }
  const item = mountTree.select(key);
  if (item && scroll && mountBody && !mountBody.hidden) requestAnimationFrame(() => item.scrollIntoView({ block: 'nearest' }));
}

// ---------------------------------------------------------------------------------------------
// Mapping table, virtualized, and the address-space strip above it.

/** Column titles and the class of their cells; media/gaps.css sizes and hides columns by class. */
const COLUMNS = [
  ['PID', 'col-pid'],
  ['Address range', 'col-range'],
  ['Perms', 'col-perms'],
  ['Offset', 'col-offset'],
  ['Dev', 'col-dev'],
  ['Inode', 'col-inode'],
  ['Path', 'col-path'],
  ['mnt_id', 'col-mnt'],
  ['Class', 'col-class'],
] as const;

let tableViewport: HTMLElement;
let tableElement: HTMLElement;
/** Rows the table shows: those of one process, or all. Indexes are into `view.mappings`. */
let tableFirst = 0;
let tableCount = 0;
let processSelect: HTMLSelectElement | null = null;
let tableSpacer: HTMLElement;
let tableRows: HTMLElement;
let strip: HTMLCanvasElement;
let selectedMapping: number | null = null;

function cellTexts(row: MappingRow, pid: string): string[] {
  return [pid, `${row.start}-${row.end}`, row.perms, row.offset, row.device, row.inode, visibleText(row.path), row.mntId === null ? '' : String(row.mntId), row.mappingClass];
}

/** Value of the process selector that shows every process's rows. */
const ALL_PROCESSES = 'all';

/** Shows the rows of process `index`, or of every process for null, and redraws the table. */
function showProcess(index: number | null): void {
  if (!view) return;
  const process = index === null ? undefined : view.processes[index];
  tableFirst = process ? process.mappingStart : 0;
  tableCount = process ? process.mappingCount : view.mappings.length;
  if (processSelect) processSelect.value = process ? String(index) : ALL_PROCESSES;
  tableElement.setAttribute('aria-rowcount', String(tableCount + 1));
  tableViewport.scrollTop = 0;
  drawRows();
  drawStrip();
  saveState({ process: process ? index : null });
}

/** Returns the selector that switches the table between processes, or null for a single process. */
function renderProcessSelect(data: ClientGapView): HTMLElement | null {
  if (data.processes.length < 2) return null;
  const label = element('label', 'process-select');
  const select = element('select');
  select.append(new Option(`All ${data.processes.length} processes (${plural(data.mappings.length, 'mapping', 'mappings')})`, ALL_PROCESSES));
  data.processes.forEach((process, index) => {
    const command = process.command ? ` ${visibleText(process.command).slice(0, 60)}` : '';
    const gaps = process.gapCount === 0 ? 'no gaps' : plural(process.gapCount, 'gap', 'gaps');
    select.append(new Option(`pid ${process.pid ?? '?'}${command} (${plural(process.mappingCount, 'mapping', 'mappings')}, ${gaps})`, String(index)));
  });
  select.addEventListener('change', () => showProcess(select.value === ALL_PROCESSES ? null : Number(select.value)));
  label.append(document.createTextNode('Process '), select);
  processSelect = select;
  return label;
}

function renderMappings(data: ClientGapView): HTMLElement {
  const section = element('section', 'mappings');
  section.setAttribute('aria-labelledby', 'mappings-heading');
  const heading = element('h2', undefined, `Mappings (${data.mappings.length})`);
  heading.id = 'mappings-heading';
  const processChoice = renderProcessSelect(data);

  strip = element('canvas', 'strip');
  strip.height = 14;
  strip.setAttribute('role', 'img');
  strip.setAttribute('aria-label', 'Mappings in address order, coloured by class; click to scroll the table there');
  strip.addEventListener('click', (event) => {
    const rect = strip.getBoundingClientRect();
    const index = Math.floor(((event.clientX - rect.left) / rect.width) * tableCount);
    if (tableCount > 0) selectMapping(tableFirst + Math.min(Math.max(0, index), tableCount - 1), true);
  });

  const legend = element('div', 'legend');
  for (const mappingClass of MAPPING_CLASSES) {
    const key = element('span', `legend-item class-${mappingClass}`);
    key.append(element('span', 'swatch'), document.createTextNode(mappingClass));
    legend.append(key);
  }

  const table = element('div', data.processes.length > 1 ? 'table several' : 'table');
  tableElement = table;
  table.setAttribute('role', 'grid');
  table.setAttribute('aria-labelledby', 'mappings-heading');
  table.setAttribute('aria-rowcount', String(data.mappings.length + 1));
  const head = element('div', 'row head');
  head.setAttribute('role', 'row');
  head.setAttribute('aria-rowindex', '1');
  for (const [title, className] of COLUMNS) {
    const cell = element('span', `cell ${className}`, title);
    cell.setAttribute('role', 'columnheader');
    head.append(cell);
  }

  tableViewport = element('div', 'viewport');
  tableViewport.tabIndex = 0;
  tableViewport.setAttribute('aria-label', 'Mappings; arrow keys, Page Up, Page Down, Home and End move the selection');
  tableSpacer = element('div', 'spacer');
  tableRows = element('div', 'rows');
  tableSpacer.append(tableRows);
  tableViewport.append(tableSpacer);
  tableViewport.addEventListener('scroll', () => {
    drawRows();
    saveState({ tableScrollTop: tableViewport.scrollTop });
  });
  tableViewport.addEventListener('keydown', onTableKey);
  tableRows.addEventListener('click', (event) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('.row');
    if (row?.dataset.index !== undefined) selectMapping(Number(row.dataset.index), false);
  });

  table.append(head, tableViewport);
  section.append(heading, ...(processChoice ? [processChoice] : []), strip, legend, table);
  return section;
}

/** Puts only the rows in view into the DOM; see virtualWindow for the geometry. */
function drawRows(): void {
  if (!view) return;
  const window = virtualWindow(tableViewport.scrollTop, tableViewport.clientHeight, ROW_HEIGHT, tableCount, OVERSCAN);
  tableSpacer.style.height = `${window.totalHeight}px`;
  tableRows.style.transform = `translateY(${window.offsetTop}px)`;

  const several = view.processes.length > 1;
  const fragment = document.createDocumentFragment();
  for (let position = window.first; position < window.end; position++) {
    const index = tableFirst + position;
    const mapping = view.mappings.row(index);
    const row = element('div', `row class-${mapping.mappingClass}`);
    row.setAttribute('role', 'row');
    row.setAttribute('aria-rowindex', String(position + 2));
    row.setAttribute('aria-selected', String(index === selectedMapping));
    row.dataset.index = String(index);
    const pid = several ? String(view.processes[processOfMapping(view.processes, index)]?.pid ?? '?') : '';
    const texts = cellTexts(mapping, pid);
    // One tooltip with every column, because a narrow panel hides some of them.
    row.title = texts
      .map((text, column) => [COLUMNS[column][0], text])
      .filter(([, text]) => text !== '' || several)
      .map(([title, text]) => `${title}: ${text}`)
      .join('\n');
    texts.forEach((text, column) => {
      const cell = element('span', `cell ${COLUMNS[column][1]}`, text);
      cell.setAttribute('role', 'gridcell');
      row.append(cell);
    });
    fragment.append(row);
  }
  tableRows.replaceChildren(fragment);
}

function onTableKey(event: KeyboardEvent): void {
  if (!view || tableCount === 0) return;
  const page = Math.max(1, Math.floor(tableViewport.clientHeight / ROW_HEIGHT) - 1);
  const inTable = selectedMapping !== null && selectedMapping >= tableFirst && selectedMapping < tableFirst + tableCount;
  const current = inTable ? selectedMapping! - tableFirst : Math.floor(tableViewport.scrollTop / ROW_HEIGHT);
  const moves: Record<string, number> = { ArrowDown: current + 1, ArrowUp: current - 1, PageDown: current + page, PageUp: current - page, Home: 0, End: tableCount - 1 };
  const next = moves[event.key];
  if (next === undefined) return;
  event.preventDefault();
  selectMapping(tableFirst + Math.min(Math.max(0, next), tableCount - 1), true);
}

/** Selects mapping row `index` of `view.mappings`; the table switches to its process when it shows another one. */
function selectMapping(index: number, scroll: boolean): void {
  if (!view || index < 0 || index >= view.mappings.length) return;
  if (index < tableFirst || index >= tableFirst + tableCount) showProcess(processOfMapping(view.processes, index));
  selectedMapping = index;
  if (scroll) {
    tableViewport.scrollTop = scrollTopFor(index - tableFirst, tableViewport.scrollTop, tableViewport.clientHeight, ROW_HEIGHT);
  }
  drawRows();
  saveState({ selectedMapping: index });
}

/**
 * Draws the strip with one equal slot per mapping in address order, not in proportion to
 * addresses: a 47-bit address space is almost all holes, so a linear scale would shrink every
 * library to less than a pixel. A pixel that covers several mappings shows a gap if any has one.
 */
function drawStrip(): void {
  if (!view) return;
  const width = Math.max(1, Math.floor(strip.clientWidth));
  strip.width = width;
  const context = strip.getContext('2d');
  if (!context) return;
  const styles = getComputedStyle(document.body);
  const colours = new Map(MAPPING_CLASSES.map((mappingClass) => [mappingClass, styles.getPropertyValue(`--class-${mappingClass}`).trim() || 'gray']));

  const count = tableCount;
  context.clearRect(0, 0, width, strip.height);
  for (let x = 0; x < width && count > 0; x++) {
    const first = tableFirst + Math.floor((x * count) / width);
    const end = tableFirst + Math.max(first - tableFirst + 1, Math.floor(((x + 1) * count) / width));
    let mappingClass = view.mappings.mappingClass(first);
    for (let index = first; index < end && index < tableFirst + count; index++) {
      if (view.mappings.mappingClass(index) === 'gap') {
        mappingClass = 'gap';
        break;
      }
    }
    context.fillStyle = colours.get(mappingClass)!;
    context.fillRect(x, 0, 1, strip.height);
  }
}

// ---------------------------------------------------------------------------------------------
// Notes, mount-id gaps and unparsed lines

/** Notes shown open at start; more start collapsed. */
const NOTES_OPEN_MAX = 3;

function renderNotes(data: ClientGapView): HTMLElement | null {
  const lines = [...data.notes, ...data.idGaps.map((gap) => (gap.from === gap.to ? `Mount id ${gap.from}: ${gap.note}` : `Mount ids ${gap.from}–${gap.to}: ${gap.note}`)), ...data.issues];
  if (lines.length === 0) return null;
  const list = element('ul');
  for (const line of lines) list.append(element('li', undefined, visibleText(line)));
  // A long list of mount-id ranges would push the table down, so it starts closed.
  return collapsibleSection('notes', `Notes (${lines.length})`, 'notes-heading', list, lines.length <= NOTES_OPEN_MAX);
}

// ---------------------------------------------------------------------------------------------
// Start-up

function render(data: ClientGapView): void {
  gapElements.length = 0;
  const layout = element('div', 'layout');
  const notes = renderNotes(data);
  layout.append(renderGaps(data), renderMounts(data), renderMappings(data), ...(notes ? [notes] : []));
  app.replaceChildren(renderHeader(data), layout);
  app.removeAttribute('aria-busy');

  // A restored panel shows the process it showed; a new one shows every process.
  const process = state?.process;
  showProcess(process !== null && process !== undefined && process < data.processes.length ? process : null);
  new ResizeObserver(() => {
    drawRows();
    drawStrip();
  }).observe(tableViewport);
}

async function start(): Promise<void> {
  const reply = await request({ type: 'getView' });
  if (reply.type === 'error') {
    app.replaceChildren(element('p', 'error', reply.message));
    app.removeAttribute('aria-busy');
    return;
  }
  if (reply.type !== 'view') return;

  view = unpackGapView(reply.view);
  source = reply.source;
  // A state saved for other input files would select the wrong rows.
  if (state && JSON.stringify(state.source) !== JSON.stringify(source)) state = null;
  saveState({});
  render(view);

  if (reply.focusMapping && selectMappingRange(reply.focusMapping)) {
    // Selected by the host's request, e.g. a preflight finding's mapping.
  } else if (reply.focusLogLine !== null) {
    selectGapOfLogLine(reply.focusLogLine);
  } else if (state?.selectedGap !== null && state?.selectedGap !== undefined && state.selectedGap < gapElements.length) {
    // A restored panel scrolls the gap list and the tree to the selection it had.
    selectGap(state.selectedGap, true);
    gapElements[state.selectedGap].scrollIntoView({ block: 'nearest' });
  }
  if (state?.selectedMapping !== null && state?.selectedMapping !== undefined && reply.focusLogLine === null) selectMapping(state.selectedMapping, false);
  if (state?.tableScrollTop && reply.focusLogLine === null) tableViewport.scrollTop = state.tableScrollTop;

  vscode.postMessage({ type: 'ready', gapCount: view.gaps.length, mountCount: view.mounts.length, mappingCount: view.mappings.length, processCount: view.processes.length });
}

void start();
