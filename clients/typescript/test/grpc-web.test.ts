import { describeBar } from "./bar.js";

describeBar("gRPC-Web (HTTP/1.1)", { transport: "grpc-web" });
