import { describeBar } from "./bar.js";

describeBar("gRPC", { transport: "grpc" });
