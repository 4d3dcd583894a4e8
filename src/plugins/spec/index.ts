/** The provider contract: import everything a plugin needs from "~/plugins/spec". Glossary: ./provider.ts. */
export * from "./provider";
export * from "./schemas";
export * from "./errors";
