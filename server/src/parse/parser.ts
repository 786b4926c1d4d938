import * as fs from 'fs';
import * as path from 'path';
import { Parser, Language, Tree, Node, Edit } from 'web-tree-sitter';
import { installTreeWalk } from './treeWalk';
import { ownCopy } from './ownCopy';

export type { Tree, Node, Edit };

let ready: Promise<Language> | undefined;

/** Finds a WASM file next to the bundle first (packaged form), then in node_modules (development). */
function locate(fileName: string, packageHint: string): string {
  const besideBundle = path.join(__dirname, fileName);
  if (fs.existsSync(besideBundle)) return besideBundle;
  return require.resolve(`${packageHint}/${fileName}`);
}

/**
 * A node's text is a slice of the parsed document, and a slice keeps its whole parent string
 * alive: a name carried from one version of an open document to the next would keep that
 * version's text. Node texts are made strings of their own instead.
 */
function detachNodeTexts(): void {
  const text = Object.getOwnPropertyDescriptor(Node.prototype, 'text');
  if (!text?.get) throw new Error('web-tree-sitter: Node has no text getter');
  const sliced = text.get;
  Object.defineProperty(Node.prototype, 'text', {
    ...text,
    get(this: Node) {
      return ownCopy(sliced.call(this) as string);
    },
  });
}
detachNodeTexts();
installTreeWalk(Node);

/** Loads the tree-sitter runtime and the Python grammar once per process. */
export function loadPython(): Promise<Language> {
  if (!ready) {
    ready = (async () => {
      await Parser.init({
        locateFile: (name: string) => locate(name, 'web-tree-sitter'),
      });
      return Language.load(locate('tree-sitter-python.wasm', 'tree-sitter-python'));
    })();
  }
  return ready;
}

/** A parser for Python; cheap to create once the language is loaded. */
export async function createPythonParser(): Promise<Parser> {
  const language = await loadPython();
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/**
 * UTF-16 code units handed to the parser per read. The runtime copies each piece into WASM memory,
 * and a re-parse reads at every top-level statement it reuses: short pieces copy less. (A first
 * parse reads the text once from start to end, so it takes the runtime's longer pieces.)
 */
const READ_SIZE = 512;

/**
 * Parses `text`, re-using `oldTree` (already edited) when given. `pausePoint` is called every
 * hundred or so parser steps: a scan worker waits there while the editor is served, so that a
 * long parse does not hold a core the editor needs.
 */
export function parseText(parser: Parser, text: string, oldTree?: Tree, pausePoint?: () => void): Tree {
  const read = (index: number) => {
    let end = index + READ_SIZE;
    // Never split a surrogate pair between two reads.
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end++;
    return text.slice(index, end);
  };
  const options = pausePoint ? { progressCallback: () => void pausePoint() } : undefined;
  const tree = parser.parse(!oldTree || text.length <= READ_SIZE ? text : read, oldTree ?? null, options);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}
