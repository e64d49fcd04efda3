export { BUILTIN_PLUGINS } from "./builtin-plugins.js";
