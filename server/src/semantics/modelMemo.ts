import type { ModuleModel } from './model';

/**
 * One kind of derived value per module model (an index of its calls, its mapped classes...),
 * kept in the model itself rather than in a module-level WeakMap.
 *
 * Why: V8's young-generation collector treats the values of a WeakMap that has moved to the old
 * generation as live until the next full collection, even when their key is already garbage. Such
 * a value holds a file's syntax nodes, which hold each other; so every file a scan analyzed stayed
 * "live" through the minor collections after it, was copied twice and promoted, and only a full
 * collection freed it. Kept in the model, the value dies with the model.
 */
export class ModelMemo<V> {
  get(model: ModuleModel): V | undefined {
    return model.memos.get(this) as V | undefined;
  }

  set(model: ModuleModel, value: V): this {
    model.memos.set(this, value);
    return this;
  }

  /** The model's value, made by `make` the first time it is asked for. */
  of(model: ModuleModel, make: (model: ModuleModel) => V): V {
    let value = this.get(model);
    if (value === undefined) this.set(model, (value = make(model)));
    return value;
  }
}
