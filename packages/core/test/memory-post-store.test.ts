import { MemoryPostStore } from "../src/memory/memory-post-store.js";
import { postStoreContract } from "../src/testing/post-store-contract.js";

postStoreContract("MemoryPostStore", () => new MemoryPostStore());
