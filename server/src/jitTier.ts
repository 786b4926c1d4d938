/**
 * Imported first by the language server: V8 compiles each function to baseline machine code
 * (Sparkplug) when it first runs instead of interpreting it until it is hot. An edit's path runs
 * through a few hundred functions; the first few hundred keystrokes of a session would otherwise
 * run them interpreted, at two to three times the cost of later ones.
 */
import * as v8 from 'v8';

v8.setFlagsFromString('--always-sparkplug');
