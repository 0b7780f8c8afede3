/**
 * The runs grid: a canvas body inside a native scroll container (so scrolling is the browser's own,
 * virtualized in both directions: only visible cells are drawn), a DOM header of sort buttons, and a
 * DOM pinned column (selection checkbox + run link) holding only the visible rows. At 100k rows ×
 * 200 columns a frame draws ~30 rows × ~12 columns of text, whatever the table size.
 */

export interface GridColumn {
  id: string;
  title: string;
  width: number;
  align?: 'left' | 'right';
  /** An `order_by` key; columns without one cannot be sorted. */
  sortKey?: string;
}

export interface GridSource {
  rowCount(): number;
  cell(row: number, column: GridColumn): string;
  rowName(row: number): string;
  rowHref(row: number): string;
  rowDepth(row: number): number;
  isSelected(row: number): boolean;
  /** A colour marking the row's group (a bar at the left of its name), if grouped. */
  rowColor?(row: number): string | undefined;
}

export interface GridOptions {
  label: string;
  nameTitle: string;
  nameWidth?: number;
  onToggle(row: number, range: boolean): void;
  onToggleAll(): void;
  onSort(column: GridColumn): void;
  /** Called when the last rows come into view (load the next page). */
  onNearEnd?(): void;
}

const ROW_H = 30;
const CHECK_W = 34;

export class CanvasGrid {
  private readonly root: HTMLDivElement;
  private readonly header: HTMLDivElement;
  private readonly headerCells: HTMLDivElement;
  private readonly scroller: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly pinned: HTMLDivElement;
  private readonly selectAll: HTMLInputElement;
  private columns: GridColumn[] = [];
  private offsets: number[] = [0];
  private source: GridSource | null = null;
  private sort: { id: string; asc: boolean } | undefined;
  private frame = 0;
  private hover = -1;
  private charW = 7;
  private readonly nameW: number;
  private pool: {
    row: HTMLDivElement;
    box: HTMLInputElement;
    link: HTMLAnchorElement;
    index: number;
    name: string;
  }[] = [];
  private readonly resize: ResizeObserver;

  constructor(
    host: HTMLElement,
    private readonly options: GridOptions,
  ) {
    this.nameW = options.nameWidth ?? 260;
    const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls: string) => {
      const e = document.createElement(tag);
      e.className = cls;
      return e;
    };
    this.root = el('div', 'grid');
    this.header = el('div', 'grid-header');
    const pinnedHead = el('div', 'grid-header-pinned');
    pinnedHead.style.width = `${CHECK_W + this.nameW}px`;
    this.selectAll = el('input', 'grid-check');
    this.selectAll.type = 'checkbox';
    this.selectAll.setAttribute('aria-label', 'Select all rows');
    this.selectAll.addEventListener('change', () => options.onToggleAll());
    const nameHead = el('span', 'grid-name-head');
    nameHead.textContent = options.nameTitle;
    pinnedHead.append(this.selectAll, nameHead);
    const headerClip = el('div', 'grid-header-clip');
    this.headerCells = el('div', 'grid-header-cells');
    headerClip.append(this.headerCells);
    this.header.append(pinnedHead, headerClip);
    this.scroller = el('div', 'grid-scroller');
    this.scroller.tabIndex = 0;
    this.scroller.setAttribute('role', 'region');
    this.scroller.setAttribute('aria-label', options.label);
    this.spacer = el('div', 'grid-spacer');
    this.scroller.append(this.spacer);
    this.canvas = el('canvas', 'grid-canvas');
    this.canvas.setAttribute('aria-hidden', 'true');
    this.pinned = el('div', 'grid-pinned');
    this.pinned.style.width = `${CHECK_W + this.nameW}px`;
    const body = el('div', 'grid-body');
    body.append(this.scroller, this.canvas, this.pinned);
    this.root.append(this.header, body);
    host.append(this.root);

    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.pinned.addEventListener(
      'wheel',
      (e) => {
        this.scroller.scrollTop += e.deltaY;
        this.scroller.scrollLeft += e.deltaX;
        e.preventDefault();
      },
      { passive: false },
    );
    this.scroller.addEventListener('mousemove', (e) => this.setHover(this.rowAt(e.clientY)));
    this.scroller.addEventListener('mouseleave', () => this.setHover(-1));
    this.resize = new ResizeObserver(() => this.layout());
    this.resize.observe(body);
  }

  setColumns(columns: GridColumn[]): void {
    this.columns = columns;
    this.offsets = [CHECK_W + this.nameW];
    for (const c of columns) this.offsets.push((this.offsets[this.offsets.length - 1] ?? 0) + c.width);
    this.headerCells.replaceChildren(
      ...columns.map((c) => {
        const b = document.createElement(c.sortKey ? 'button' : 'span');
        b.className = `grid-head-cell${c.align === 'right' ? ' right' : ''}`;
        b.style.width = `${c.width}px`;
        b.title = c.title;
        b.textContent = c.title;
        b.dataset.col = c.id;
        if (c.sortKey) {
          b.addEventListener('click', () => this.options.onSort(c));
          if (b instanceof HTMLButtonElement) b.type = 'button';
        }
        return b;
      }),
    );
    this.renderSort();
    this.layout();
  }

  setSource(source: GridSource): void {
    this.source = source;
    // New data: a pinned row showing row r may now hold another run, so every row gets its text again.
    for (const p of this.pool) p.index = -1;
    this.layout();
  }

  setSort(sort: { id: string; asc: boolean } | undefined): void {
    this.sort = sort;
    this.renderSort();
  }

  /** Call after the data or the selection changed. */
  refresh(): void {
    this.layout();
  }

  /** First and last (exclusive) visible row and column indexes: a test and bench hook. */
  visibleRange(): { rowStart: number; rowEnd: number; colStart: number; colEnd: number } {
    const rows = this.source?.rowCount() ?? 0;
    const top = this.scroller.scrollTop;
    const rowStart = Math.min(rows, Math.floor(top / ROW_H));
    const rowEnd = Math.min(rows, Math.ceil((top + this.scroller.clientHeight) / ROW_H));
    const left = this.scroller.scrollLeft + CHECK_W + this.nameW;
    const right = this.scroller.scrollLeft + this.scroller.clientWidth;
    const colStart = Math.max(0, this.columnAt(left));
    let colEnd = colStart;
    while (colEnd < this.columns.length && (this.offsets[colEnd] ?? 0) < right) colEnd++;
    return { rowStart, rowEnd, colStart, colEnd };
  }

  /** The text a cell shows (what the canvas draws there): a test hook. */
  cellText(row: number, columnId: string): string {
    const column = this.columns.find((c) => c.id === columnId);
    return column && this.source ? this.source.cell(row, column) : '';
  }

  scrollTo(top: number, left = this.scroller.scrollLeft): void {
    this.scroller.scrollTop = top;
    this.scroller.scrollLeft = left;
  }

  get scrollElement(): HTMLElement {
    return this.scroller;
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.resize.disconnect();
    this.root.remove();
  }

  private renderSort(): void {
    for (const child of Array.from(this.headerCells.children)) {
      const h = child as HTMLElement;
      const c = this.columns.find((col) => col.id === h.dataset.col);
      if (!c) continue;
      const active = this.sort?.id === c.id;
      h.textContent = active ? `${c.title} ${this.sort?.asc ? '▲' : '▼'}` : c.title;
      if (c.sortKey)
        h.setAttribute(
          'aria-label',
          active ? `${c.title}, sorted ${this.sort?.asc ? 'ascending' : 'descending'}` : `Sort by ${c.title}`,
        );
      h.classList.toggle('sorted', active);
    }
  }

  private columnAt(x: number): number {
    let lo = 0;
    let hi = this.columns.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.offsets[mid] ?? 0) <= x) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private rowAt(clientY: number): number {
    const rect = this.scroller.getBoundingClientRect();
    return Math.floor((clientY - rect.top + this.scroller.scrollTop) / ROW_H);
  }

  private setHover(row: number): void {
    if (row === this.hover) return;
    this.hover = row;
    this.schedule();
  }

  private layout(): void {
    const rows = this.source?.rowCount() ?? 0;
    this.spacer.style.height = `${rows * ROW_H}px`;
    this.spacer.style.width = `${this.offsets[this.offsets.length - 1] ?? 0}px`;
    const dpr = window.devicePixelRatio || 1;
    const w = this.scroller.clientWidth;
    const h = this.scroller.clientHeight;
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(h * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${h}px`;
    }
    this.pinned.style.height = `${h}px`;
    this.schedule();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    const ctx = this.canvas.getContext('2d');
    const source = this.source;
    if (!ctx || !source) return;
    const dpr = window.devicePixelRatio || 1;
    const w = this.scroller.clientWidth;
    const h = this.scroller.clientHeight;
    const top = this.scroller.scrollTop;
    const left = this.scroller.scrollLeft;
    this.headerCells.style.transform = `translateX(${-left}px)`;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = '13px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    this.charW = ctx.measureText('0123456789abcdefghij').width / 20;
    const { rowStart, rowEnd, colStart, colEnd } = this.visibleRange();
    const selectedFill = '#e3eefc';
    for (let r = rowStart; r < rowEnd; r++) {
      const y = r * ROW_H - top;
      if (source.isSelected(r)) {
        ctx.fillStyle = selectedFill;
        ctx.fillRect(0, y, w, ROW_H);
      } else if (r === this.hover) {
        ctx.fillStyle = '#f3f6fa';
        ctx.fillRect(0, y, w, ROW_H);
      }
      for (let c = colStart; c < colEnd; c++) {
        const col = this.columns[c];
        if (!col) continue;
        const x = (this.offsets[c] ?? 0) - left;
        const text = this.fit(source.cell(r, col), col.width - 16);
        if (!text) continue;
        ctx.fillStyle = '#1f2933';
        if (col.align === 'right') {
          ctx.textAlign = 'right';
          ctx.fillText(text, x + col.width - 8, y + ROW_H / 2);
        } else {
          ctx.textAlign = 'left';
          ctx.fillText(text, x + 8, y + ROW_H / 2);
        }
      }
    }
    // grid lines
    ctx.strokeStyle = '#e4e7eb';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let r = rowStart; r <= rowEnd; r++) {
      const y = Math.round(r * ROW_H - top) + 0.5;
      ctx.moveTo(0, y);
      ctx.lineTo(w, y);
    }
    for (let c = colStart; c <= colEnd; c++) {
      const x = Math.round((this.offsets[c] ?? 0) - left) + 0.5;
      ctx.moveTo(x, 0);
      ctx.lineTo(x, Math.min(h, rowEnd * ROW_H - top));
    }
    ctx.stroke();
    this.drawPinned(rowStart, rowEnd, top);
    const rows = source.rowCount();
    this.selectAll.checked =
      rows > 0 && Array.from({ length: Math.min(rows, 50) }, (_, i) => source.isSelected(i)).every(Boolean);
    if (rowEnd >= rows - 20) this.options.onNearEnd?.();
  }

  private drawPinned(rowStart: number, rowEnd: number, top: number): void {
    const source = this.source;
    if (!source) return;
    const need = rowEnd - rowStart;
    while (this.pool.length < need + 2) {
      const row = document.createElement('div');
      row.className = 'grid-pinned-row';
      row.style.display = 'none';
      row.style.height = `${ROW_H}px`;
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.className = 'grid-check';
      const link = document.createElement('a');
      link.className = 'grid-run-link';
      const entry = { row, box, link, index: -1, name: '' };
      box.addEventListener('click', (e) => {
        e.preventDefault();
        this.options.onToggle(entry.index, e.shiftKey);
      });
      row.append(box, link);
      this.pinned.append(row);
      this.pool.push(entry);
    }
    // Row r always uses entry r % pool size, so rows that stay in view keep their element and only
    // the rows scrolling in get new text (no layout of every visible row per frame).
    const size = this.pool.length;
    const used = new Set<number>();
    for (let r = rowStart; r < rowEnd; r++) {
      const slot = r % size;
      const p = this.pool[slot];
      if (!p) continue;
      used.add(slot);
      p.row.style.display = '';
      p.row.style.transform = `translateY(${r * ROW_H - top}px)`;
      const selected = source.isSelected(r);
      p.row.classList.toggle('selected', selected);
      p.row.classList.toggle('hover', r === this.hover);
      // A row's name can arrive after the row is first drawn (a window of the table still loading):
      // redraw when it changed, not only when the slot shows another row.
      const name = source.rowName(r);
      if (p.index !== r || p.name !== name) {
        p.index = r;
        p.name = name;
        p.link.textContent = name;
        p.link.title = name;
        p.link.href = source.rowHref(r);
        p.link.style.paddingLeft = `${4 + 14 * source.rowDepth(r)}px`;
        p.box.setAttribute('aria-label', `Select ${name}`);
        const color = source.rowColor?.(r);
        p.row.style.boxShadow = color ? `inset 4px 0 0 ${color}` : '';
      }
      p.box.checked = selected;
    }
    for (let i = 0; i < size; i++) {
      const p = this.pool[i];
      if (p && !used.has(i) && p.row.style.display !== 'none') {
        p.row.style.display = 'none';
        p.index = -1;
        // a hidden pool row names no run (it gets its name again when it shows a row)
        p.box.removeAttribute('aria-label');
      }
    }
  }

  /** Truncates to the column width by an average character width (no per-cell measureText). */
  private fit(text: string, width: number): string {
    const max = Math.max(1, Math.floor(width / this.charW));
    return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
  }
}
