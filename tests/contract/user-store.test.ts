import { forEachStoreBackend } from "./backends.ts";
import { userStoreContract } from "./user-store.contract.ts";

forEachStoreBackend("UserStore contract", userStoreContract);
