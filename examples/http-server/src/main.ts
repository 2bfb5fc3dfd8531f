import { createFeedEngine } from "@feed-engine/core";
import { createFeedServer } from "./feed-server.js";

const port = Number(process.env.PORT ?? 3000);
const server = createFeedServer(createFeedEngine());
server.listen(port, "127.0.0.1", () => console.log(`feed-engine example listening on http://127.0.0.1:${port}`));
