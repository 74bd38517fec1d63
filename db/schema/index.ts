export * from "./accounts";
export * from "./auth";
export * from "./invoices";
export * from "./audit";
export * from "./mail";
export * from "./payments";
export * from "./events";
export * from "./disputes";
