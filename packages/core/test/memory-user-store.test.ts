import { MemoryUserStore } from "../src/memory/memory-user-store.js";
import { userStoreContract } from "../src/testing/user-store-contract.js";

userStoreContract("MemoryUserStore", () => new MemoryUserStore());
