import * as vscode from 'vscode';
import { GUIDE_STEP_LABELS, type FileProgress, type FindingSummary, type GuideStep, type ProgressReport } from '../../server/src/protocol';

export type ProgressNode =
  | { kind: 'summary'; report: ProgressReport }
  | { kind: 'step'; step: GuideStep; findings: Array<{ file: FileProgress; finding: FindingSummary }> }
  | { kind: 'rule'; code: string; id: string; findings: Array<{ file: FileProgress; finding: FindingSummary }> }
  | { kind: 'file'; uri: string; code: string; findings: FindingSummary[] }
  | { kind: 'finding'; uri: string; finding: FindingSummary };

const STEP_ORDER: GuideStep[] = ['removed-apis', 'future-flags', 'typed-models', 'legacy-query', 'pitfalls'];

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** The Migration Progress tree: summary, then guide step > rule > file > finding. */
export class ProgressTreeProvider implements vscode.TreeDataProvider<ProgressNode> {
  private readonly changeEmitter = new vscode.EventEmitter<ProgressNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  report: ProgressReport | undefined;

  update(report: ProgressReport): void {
    this.report = report;
    this.changeEmitter.fire(undefined);
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }

  getChildren(node?: ProgressNode): ProgressNode[] {
    const report = this.report;
    if (!report) return [];
    if (!node) {
      if (report.filesUsingSqlAlchemy === 0 && !report.scan.running) return [];
      const all = report.files.flatMap((file) => file.findings.map((finding) => ({ file, finding })));
      const steps = groupBy(all, (x) => x.finding.step);
      return [{ kind: 'summary', report }, ...STEP_ORDER.filter((s) => steps.has(s)).map((step) => ({ kind: 'step' as const, step, findings: steps.get(step)! }))];
    }
    switch (node.kind) {
      case 'step':
        return [...groupBy(node.findings, (x) => x.finding.code)].sort(([a], [b]) => a.localeCompare(b)).map(([code, findings]) => ({ kind: 'rule', code, id: findings[0].finding.id, findings }));
      case 'rule':
        return [...groupBy(node.findings, (x) => x.file.uri)].map(([uri, findings]) => ({ kind: 'file', uri, code: node.code, findings: findings.map((x) => x.finding) }));
      case 'file':
        return node.findings.map((finding) => ({ kind: 'finding', uri: node.uri, finding }));
      default:
        return [];
    }
  }

  getTreeItem(node: ProgressNode): vscode.TreeItem {
    switch (node.kind) {
      case 'summary': {
        const { filesMigrated, filesUsingSqlAlchemy, findingsLeft, scan } = node.report;
        const percent = filesUsingSqlAlchemy === 0 ? 100 : Math.round((100 * filesMigrated) / filesUsingSqlAlchemy);
        const item = new vscode.TreeItem(`${filesMigrated}/${filesUsingSqlAlchemy} files migrated (${percent}%)`);
        item.description = `${findingsLeft} finding${findingsLeft === 1 ? '' : 's'} left${scan.running ? ` · scanning ${scan.done}/${scan.total}` : ''}`;
        item.iconPath = new vscode.ThemeIcon(findingsLeft === 0 ? 'pass' : 'graph');
        item.contextValue = 'summary';
        return item;
      }
      case 'step': {
        const item = new vscode.TreeItem(GUIDE_STEP_LABELS[node.step], vscode.TreeItemCollapsibleState.Expanded);
        item.description = `${node.findings.length}`;
        item.contextValue = 'step';
        return item;
      }
      case 'rule': {
        const item = new vscode.TreeItem(`${node.code} ${node.id}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = `${node.findings.length}`;
        item.tooltip = node.findings[0]?.finding.message;
        item.contextValue = 'rule';
        return item;
      }
      case 'file': {
        const uri = vscode.Uri.parse(node.uri);
        const item = new vscode.TreeItem(uri, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = `${vscode.workspace.asRelativePath(uri)} · ${node.findings.length}`;
        item.contextValue = 'file';
        return item;
      }
      case 'finding': {
        const { finding } = node;
        const item = new vscode.TreeItem(`${finding.line + 1}: ${finding.message}`);
        item.description = finding.fix ? (finding.fix === 'safe' ? 'safe fix' : 'fix to review') : '';
        item.contextValue = 'finding';
        const selection = new vscode.Range(finding.line, finding.character, finding.endLine, finding.endCharacter);
        item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.parse(node.uri), { selection }] };
        return item;
      }
    }
  }

  /** A plain description of the tree, for tests and the status item. */
  model(): { summary: string; description: string; groups: Array<{ label: string; count: number; rules: Array<{ label: string; count: number; files: number }> }> } | undefined {
    const roots = this.getChildren();
    const summary = roots.find((n) => n.kind === 'summary');
    if (!summary) return undefined;
    const summaryItem = this.getTreeItem(summary);
    return {
      summary: String(summaryItem.label),
      description: String(summaryItem.description),
      groups: roots.filter((n) => n.kind === 'step').map((step) => ({
        label: String(this.getTreeItem(step).label),
        count: step.kind === 'step' ? step.findings.length : 0,
        rules: this.getChildren(step).map((rule) => ({
          label: String(this.getTreeItem(rule).label),
          count: rule.kind === 'rule' ? rule.findings.length : 0,
          files: this.getChildren(rule).length,
        })),
      })),
    };
  }
}
