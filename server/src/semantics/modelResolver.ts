import * as path from 'path';
import type { ProjectModels } from './projectModels';
import type { ClassInfo, ModuleIndex, SymbolRef } from './modelIndex';

/** What a name stands for once imports and aliases are followed. */
export type Resolved =
  | { kind: 'class'; file: string; cls: ClassInfo }
  | { kind: 'base' | 'registry' | 'flaskDb' | 'flaskModel'; file: string; name: string };

export interface ClassRef {
  file: string;
  cls: ClassInfo;
}

/**
 * How a class takes part in mapping. `registry` names the declarative base it maps through, so that
 * string names (`relationship("Address")`) are looked up among classes of the same registry.
 */
export interface ClassKind {
  kind: 'base' | 'mapped' | 'abstract' | 'mixin';
  registry: string;
}

export const MAX_DEPTH = 12;
export const FLASK_MODEL_SUFFIX = '.Model';

/** Names followed across modules, and how classes take part in mapping, as seen from one file. */
export class ModelResolver {
  private readonly kinds = new Map<string, ClassKind | undefined>();
  private readonly inProgress = new Set<string>();

  constructor(protected readonly project: ProjectModels | undefined, readonly file: string, private readonly current: ModuleIndex) {}

  index(file: string): ModuleIndex | undefined {
    return file === this.file ? this.current : this.project?.indexOf(file);
  }

  /** The class of this name in `file`'s own module, if it defines one. */
  localClass(name: string, file = this.file): ClassRef | undefined {
    const cls = this.index(file)?.classes.get(name);
    return cls ? { file, cls } : undefined;
  }

  resolve(file: string, ref: SymbolRef, depth = 0): Resolved | undefined {
    const index = this.index(file);
    const def = index?.names.get(ref.head);
    if (!index || !def || depth > MAX_DEPTH) return undefined;
    switch (def.kind) {
      case 'class': {
        const cls = index.classes.get(def.name);
        return cls && ref.path.length === 0 ? { kind: 'class', file, cls } : undefined;
      }
      case 'base':
      case 'registry':
        return ref.path.length === 0 ? { kind: def.kind, file, name: def.name } : undefined;
      case 'flaskDb':
        if (ref.path.length === 0) return { kind: 'flaskDb', file, name: def.name };
        return ref.path.length === 1 && ref.path[0] === 'Model' ? { kind: 'flaskModel', file, name: def.name } : undefined;
      case 'alias':
        return this.resolve(file, { head: def.ref.head, path: [...def.ref.path, ...ref.path] }, depth + 1);
      case 'import':
        return this.resolveImport(file, def.module, def.imported, ref.path, depth);
    }
  }

  private resolveImport(file: string, module: string, imported: string | undefined, rest: string[], depth: number): Resolved | undefined {
    if (imported !== undefined) {
      const target = this.moduleFile(file, module);
      if (target) {
        const found = this.resolve(target, { head: imported, path: rest }, depth + 1);
        if (found) return found;
      }
      // `from app import models`, then `models.User`.
      const submodule = this.moduleFile(file, module.endsWith('.') ? `${module}${imported}` : `${module}.${imported}`);
      return submodule && rest.length > 0 ? this.resolve(submodule, { head: rest[0], path: rest.slice(1) }, depth + 1) : undefined;
    }
    // `import app.models` binds `app`: the longest known module prefix of the path holds the name.
    for (let k = rest.length - 1; k >= 0; k--) {
      const target = this.moduleFile(file, [module, ...rest.slice(0, k)].join('.'));
      if (target) return this.resolve(target, { head: rest[k], path: rest.slice(k + 1) }, depth + 1);
    }
    return undefined;
  }

  /** The file of a module imported from `from`, relative (`..models`) or absolute (`app.models`). */
  moduleFile(from: string, module: string): string | undefined {
    const relative = /^(\.+)(.*)$/.exec(module);
    if (relative) {
      let dir = path.dirname(from);
      for (let i = 1; i < relative[1].length; i++) dir = path.dirname(dir);
      const parts = relative[2] ? relative[2].split('.') : [];
      const base = path.join(dir, ...parts);
      const candidates = parts.length > 0 ? [`${base}.py`, path.join(base, '__init__.py')] : [path.join(base, '__init__.py')];
      return candidates.find((c) => this.index(c));
    }
    return this.project?.filesOfModule(module, from)[0];
  }

  /** The class a name means in `file`: a class there, or one it imports. */
  classNamed(name: string, file = this.file): ClassRef | undefined {
    const found = this.resolve(file, { head: name, path: [] });
    return found?.kind === 'class' ? { file: found.file, cls: found.cls } : undefined;
  }

  isFlaskDb(name: string, file = this.file): boolean {
    const found = this.resolve(file, { head: name, path: [] });
    if (found) return found.kind === 'flaskDb';
    // A name imported from a module out of sight, whose `.Model` a class here derives from: Flask-SQLAlchemy's `db`.
    const index = this.index(file);
    if (index?.names.get(name)?.kind !== 'import') return false;
    return [...index.classes.values()].some((c) => c.superclasses.some((s) => s.head === name && s.path.length === 1 && s.path[0] === 'Model'));
  }

  /** Base, mapped class, abstract mapped class, mixin used by a mapped class, or nothing to the ORM. */
  classKind(ref: ClassRef, depth = 0): ClassKind | undefined {
    return this.mappingKind(ref) ?? this.mixinKind(ref, depth);
  }

  isMapped(ref: ClassRef): boolean {
    return this.classKind(ref)?.kind === 'mapped';
  }

  /** What a class is through its own bases: a declarative base, or mapped (abstract) through one. */
  private mappingKind(ref: ClassRef): ClassKind | undefined {
    const key = `${ref.file}#${ref.cls.name}`;
    if (this.kinds.has(key)) return this.kinds.get(key);
    if (this.inProgress.has(key)) return undefined;
    this.inProgress.add(key);
    const kind = this.computeKind(ref, key);
    this.inProgress.delete(key);
    this.kinds.set(key, kind);
    return kind;
  }

  private computeKind(ref: ClassRef, key: string): ClassKind | undefined {
    const { cls, file } = ref;
    if (cls.declarativeRoot) return { kind: 'base', registry: key };
    if (cls.mappedByDecorator) return { kind: cls.abstract ? 'abstract' : 'mapped', registry: `${file}#@${cls.name}` };
    for (const superclass of cls.superclasses) {
      const found = this.resolve(file, superclass);
      let registry: string | undefined;
      if (found?.kind === 'base') registry = `${found.file}#${found.name}`;
      else if (found?.kind === 'flaskModel') registry = `${found.file}#${found.name}${FLASK_MODEL_SUFFIX}`;
      else if (found?.kind === 'class') registry = this.mappingKind({ file: found.file, cls: found.cls })?.registry;
      if (registry) return { kind: cls.abstract ? 'abstract' : 'mapped', registry };
    }
    return this.unresolvedBaseKind(ref);
  }

  /**
   * A class with `__tablename__` and SQLAlchemy columns, built on a base imported from a module
   * that is not part of the analysis (an editor's single file): mapped through that base. Classes
   * on the same imported name share its registry.
   */
  private unresolvedBaseKind({ cls, file }: ClassRef): ClassKind | undefined {
    if (cls.columns.length === 0) return undefined;
    for (const superclass of cls.superclasses) {
      const def = this.index(file)?.names.get(superclass.head);
      if (def?.kind !== 'import' || this.resolve(file, superclass)) continue;
      const flaskModel = superclass.path.length === 1 && superclass.path[0] === 'Model';
      if (!cls.tablename && !flaskModel) continue;
      const qualified = [def.module, def.imported, ...superclass.path].filter((p) => p !== undefined).join('.');
      if (qualified.split('.')[0] === 'sqlalchemy') continue;
      return { kind: cls.abstract ? 'abstract' : 'mapped', registry: `?${qualified}` };
    }
    return undefined;
  }

  /** A plain class is a mixin when a mapped class (or another such mixin) lists it among its bases. */
  private mixinKind(ref: ClassRef, depth: number): ClassKind | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const files = new Set([this.file, ...(this.project?.filesWithSuperclass(ref.cls.name) ?? [])]);
    for (const file of files) {
      for (const user of this.index(file)?.classes.values() ?? []) {
        const usesIt = user.superclasses.some((s) => {
          if ((s.path[s.path.length - 1] ?? s.head) !== ref.cls.name) return false;
          const found = this.resolve(file, s);
          return found?.kind === 'class' && found.file === ref.file && found.cls.name === ref.cls.name;
        });
        const kind = usesIt ? this.classKind({ file, cls: user }, depth + 1) : undefined;
        if (kind && kind.kind !== 'base') return { kind: 'mixin', registry: kind.registry };
      }
    }
    return undefined;
  }

  /** Superclasses that are classes of the project, nearest first. */
  parents(ref: ClassRef): ClassRef[] {
    const result: ClassRef[] = [];
    for (const superclass of ref.cls.superclasses) {
      const found = this.resolve(ref.file, superclass);
      if (found?.kind === 'class') result.push({ file: found.file, cls: found.cls });
    }
    return result;
  }
}
