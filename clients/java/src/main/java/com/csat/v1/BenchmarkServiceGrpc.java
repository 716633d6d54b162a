package com.csat.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * BenchmarkService keeps reference values that reports compare segments with: targets ("CSAT &gt;=
 * 80 %") and industry figures with their source. The built-in `good-csat` (CSAT satisfied percent
 * 80.0, the common rule of thumb) always exists and cannot be deleted.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class BenchmarkServiceGrpc {

  private BenchmarkServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "csat.v1.BenchmarkService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<com.csat.v1.CreateBenchmarkRequest,
      com.csat.v1.CreateBenchmarkResponse> getCreateBenchmarkMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateBenchmark",
      requestType = com.csat.v1.CreateBenchmarkRequest.class,
      responseType = com.csat.v1.CreateBenchmarkResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.CreateBenchmarkRequest,
      com.csat.v1.CreateBenchmarkResponse> getCreateBenchmarkMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.CreateBenchmarkRequest, com.csat.v1.CreateBenchmarkResponse> getCreateBenchmarkMethod;
    if ((getCreateBenchmarkMethod = BenchmarkServiceGrpc.getCreateBenchmarkMethod) == null) {
      synchronized (BenchmarkServiceGrpc.class) {
        if ((getCreateBenchmarkMethod = BenchmarkServiceGrpc.getCreateBenchmarkMethod) == null) {
          BenchmarkServiceGrpc.getCreateBenchmarkMethod = getCreateBenchmarkMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.CreateBenchmarkRequest, com.csat.v1.CreateBenchmarkResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateBenchmark"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.CreateBenchmarkRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.CreateBenchmarkResponse.getDefaultInstance()))
              .setSchemaDescriptor(new BenchmarkServiceMethodDescriptorSupplier("CreateBenchmark"))
              .build();
        }
      }
    }
    return getCreateBenchmarkMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.GetBenchmarkRequest,
      com.csat.v1.GetBenchmarkResponse> getGetBenchmarkMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetBenchmark",
      requestType = com.csat.v1.GetBenchmarkRequest.class,
      responseType = com.csat.v1.GetBenchmarkResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.GetBenchmarkRequest,
      com.csat.v1.GetBenchmarkResponse> getGetBenchmarkMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.GetBenchmarkRequest, com.csat.v1.GetBenchmarkResponse> getGetBenchmarkMethod;
    if ((getGetBenchmarkMethod = BenchmarkServiceGrpc.getGetBenchmarkMethod) == null) {
      synchronized (BenchmarkServiceGrpc.class) {
        if ((getGetBenchmarkMethod = BenchmarkServiceGrpc.getGetBenchmarkMethod) == null) {
          BenchmarkServiceGrpc.getGetBenchmarkMethod = getGetBenchmarkMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.GetBenchmarkRequest, com.csat.v1.GetBenchmarkResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetBenchmark"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.GetBenchmarkRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.GetBenchmarkResponse.getDefaultInstance()))
              .setSchemaDescriptor(new BenchmarkServiceMethodDescriptorSupplier("GetBenchmark"))
              .build();
        }
      }
    }
    return getGetBenchmarkMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.ListBenchmarksRequest,
      com.csat.v1.ListBenchmarksResponse> getListBenchmarksMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListBenchmarks",
      requestType = com.csat.v1.ListBenchmarksRequest.class,
      responseType = com.csat.v1.ListBenchmarksResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.ListBenchmarksRequest,
      com.csat.v1.ListBenchmarksResponse> getListBenchmarksMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.ListBenchmarksRequest, com.csat.v1.ListBenchmarksResponse> getListBenchmarksMethod;
    if ((getListBenchmarksMethod = BenchmarkServiceGrpc.getListBenchmarksMethod) == null) {
      synchronized (BenchmarkServiceGrpc.class) {
        if ((getListBenchmarksMethod = BenchmarkServiceGrpc.getListBenchmarksMethod) == null) {
          BenchmarkServiceGrpc.getListBenchmarksMethod = getListBenchmarksMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.ListBenchmarksRequest, com.csat.v1.ListBenchmarksResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListBenchmarks"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.ListBenchmarksRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.ListBenchmarksResponse.getDefaultInstance()))
              .setSchemaDescriptor(new BenchmarkServiceMethodDescriptorSupplier("ListBenchmarks"))
              .build();
        }
      }
    }
    return getListBenchmarksMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.DeleteBenchmarkRequest,
      com.csat.v1.DeleteBenchmarkResponse> getDeleteBenchmarkMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteBenchmark",
      requestType = com.csat.v1.DeleteBenchmarkRequest.class,
      responseType = com.csat.v1.DeleteBenchmarkResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.DeleteBenchmarkRequest,
      com.csat.v1.DeleteBenchmarkResponse> getDeleteBenchmarkMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.DeleteBenchmarkRequest, com.csat.v1.DeleteBenchmarkResponse> getDeleteBenchmarkMethod;
    if ((getDeleteBenchmarkMethod = BenchmarkServiceGrpc.getDeleteBenchmarkMethod) == null) {
      synchronized (BenchmarkServiceGrpc.class) {
        if ((getDeleteBenchmarkMethod = BenchmarkServiceGrpc.getDeleteBenchmarkMethod) == null) {
          BenchmarkServiceGrpc.getDeleteBenchmarkMethod = getDeleteBenchmarkMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.DeleteBenchmarkRequest, com.csat.v1.DeleteBenchmarkResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteBenchmark"))
              .setIdempotent(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.DeleteBenchmarkRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.DeleteBenchmarkResponse.getDefaultInstance()))
              .setSchemaDescriptor(new BenchmarkServiceMethodDescriptorSupplier("DeleteBenchmark"))
              .build();
        }
      }
    }
    return getDeleteBenchmarkMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static BenchmarkServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<BenchmarkServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<BenchmarkServiceStub>() {
        @java.lang.Override
        public BenchmarkServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new BenchmarkServiceStub(channel, callOptions);
        }
      };
    return BenchmarkServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static BenchmarkServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<BenchmarkServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<BenchmarkServiceBlockingV2Stub>() {
        @java.lang.Override
        public BenchmarkServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new BenchmarkServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return BenchmarkServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static BenchmarkServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<BenchmarkServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<BenchmarkServiceBlockingStub>() {
        @java.lang.Override
        public BenchmarkServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new BenchmarkServiceBlockingStub(channel, callOptions);
        }
      };
    return BenchmarkServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static BenchmarkServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<BenchmarkServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<BenchmarkServiceFutureStub>() {
        @java.lang.Override
        public BenchmarkServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new BenchmarkServiceFutureStub(channel, callOptions);
        }
      };
    return BenchmarkServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * BenchmarkService keeps reference values that reports compare segments with: targets ("CSAT &gt;=
   * 80 %") and industry figures with their source. The built-in `good-csat` (CSAT satisfied percent
   * 80.0, the common rule of thumb) always exists and cannot be deleted.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Stores a new benchmark; ALREADY_EXISTS when its id is taken.
     * </pre>
     */
    default void createBenchmark(com.csat.v1.CreateBenchmarkRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.CreateBenchmarkResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateBenchmarkMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns one benchmark; NOT_FOUND when it does not exist.
     * </pre>
     */
    default void getBenchmark(com.csat.v1.GetBenchmarkRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.GetBenchmarkResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetBenchmarkMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists benchmarks in benchmark_id order, paged per AIP-158.
     * </pre>
     */
    default void listBenchmarks(com.csat.v1.ListBenchmarksRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.ListBenchmarksResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListBenchmarksMethod(), responseObserver);
    }

    /**
     * <pre>
     * Deletes a benchmark; FAILED_PRECONDITION for a built-in one, NOT_FOUND when it does not exist.
     * </pre>
     */
    default void deleteBenchmark(com.csat.v1.DeleteBenchmarkRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.DeleteBenchmarkResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteBenchmarkMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service BenchmarkService.
   * <pre>
   * BenchmarkService keeps reference values that reports compare segments with: targets ("CSAT &gt;=
   * 80 %") and industry figures with their source. The built-in `good-csat` (CSAT satisfied percent
   * 80.0, the common rule of thumb) always exists and cannot be deleted.
   * </pre>
   */
  public static abstract class BenchmarkServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return BenchmarkServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service BenchmarkService.
   * <pre>
   * BenchmarkService keeps reference values that reports compare segments with: targets ("CSAT &gt;=
   * 80 %") and industry figures with their source. The built-in `good-csat` (CSAT satisfied percent
   * 80.0, the common rule of thumb) always exists and cannot be deleted.
   * </pre>
   */
  public static final class BenchmarkServiceStub
      extends io.grpc.stub.AbstractAsyncStub<BenchmarkServiceStub> {
    private BenchmarkServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected BenchmarkServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new BenchmarkServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores a new benchmark; ALREADY_EXISTS when its id is taken.
     * </pre>
     */
    public void createBenchmark(com.csat.v1.CreateBenchmarkRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.CreateBenchmarkResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateBenchmarkMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns one benchmark; NOT_FOUND when it does not exist.
     * </pre>
     */
    public void getBenchmark(com.csat.v1.GetBenchmarkRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.GetBenchmarkResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetBenchmarkMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists benchmarks in benchmark_id order, paged per AIP-158.
     * </pre>
     */
    public void listBenchmarks(com.csat.v1.ListBenchmarksRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.ListBenchmarksResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListBenchmarksMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Deletes a benchmark; FAILED_PRECONDITION for a built-in one, NOT_FOUND when it does not exist.
     * </pre>
     */
    public void deleteBenchmark(com.csat.v1.DeleteBenchmarkRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.DeleteBenchmarkResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteBenchmarkMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service BenchmarkService.
   * <pre>
   * BenchmarkService keeps reference values that reports compare segments with: targets ("CSAT &gt;=
   * 80 %") and industry figures with their source. The built-in `good-csat` (CSAT satisfied percent
   * 80.0, the common rule of thumb) always exists and cannot be deleted.
   * </pre>
   */
  public static final class BenchmarkServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<BenchmarkServiceBlockingV2Stub> {
    private BenchmarkServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected BenchmarkServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new BenchmarkServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores a new benchmark; ALREADY_EXISTS when its id is taken.
     * </pre>
     */
    public com.csat.v1.CreateBenchmarkResponse createBenchmark(com.csat.v1.CreateBenchmarkRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateBenchmarkMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns one benchmark; NOT_FOUND when it does not exist.
     * </pre>
     */
    public com.csat.v1.GetBenchmarkResponse getBenchmark(com.csat.v1.GetBenchmarkRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetBenchmarkMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists benchmarks in benchmark_id order, paged per AIP-158.
     * </pre>
     */
    public com.csat.v1.ListBenchmarksResponse listBenchmarks(com.csat.v1.ListBenchmarksRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListBenchmarksMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes a benchmark; FAILED_PRECONDITION for a built-in one, NOT_FOUND when it does not exist.
     * </pre>
     */
    public com.csat.v1.DeleteBenchmarkResponse deleteBenchmark(com.csat.v1.DeleteBenchmarkRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getDeleteBenchmarkMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service BenchmarkService.
   * <pre>
   * BenchmarkService keeps reference values that reports compare segments with: targets ("CSAT &gt;=
   * 80 %") and industry figures with their source. The built-in `good-csat` (CSAT satisfied percent
   * 80.0, the common rule of thumb) always exists and cannot be deleted.
   * </pre>
   */
  public static final class BenchmarkServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<BenchmarkServiceBlockingStub> {
    private BenchmarkServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected BenchmarkServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new BenchmarkServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores a new benchmark; ALREADY_EXISTS when its id is taken.
     * </pre>
     */
    public com.csat.v1.CreateBenchmarkResponse createBenchmark(com.csat.v1.CreateBenchmarkRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateBenchmarkMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns one benchmark; NOT_FOUND when it does not exist.
     * </pre>
     */
    public com.csat.v1.GetBenchmarkResponse getBenchmark(com.csat.v1.GetBenchmarkRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetBenchmarkMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists benchmarks in benchmark_id order, paged per AIP-158.
     * </pre>
     */
    public com.csat.v1.ListBenchmarksResponse listBenchmarks(com.csat.v1.ListBenchmarksRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListBenchmarksMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes a benchmark; FAILED_PRECONDITION for a built-in one, NOT_FOUND when it does not exist.
     * </pre>
     */
    public com.csat.v1.DeleteBenchmarkResponse deleteBenchmark(com.csat.v1.DeleteBenchmarkRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteBenchmarkMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service BenchmarkService.
   * <pre>
   * BenchmarkService keeps reference values that reports compare segments with: targets ("CSAT &gt;=
   * 80 %") and industry figures with their source. The built-in `good-csat` (CSAT satisfied percent
   * 80.0, the common rule of thumb) always exists and cannot be deleted.
   * </pre>
   */
  public static final class BenchmarkServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<BenchmarkServiceFutureStub> {
    private BenchmarkServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected BenchmarkServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new BenchmarkServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Stores a new benchmark; ALREADY_EXISTS when its id is taken.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.CreateBenchmarkResponse> createBenchmark(
        com.csat.v1.CreateBenchmarkRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateBenchmarkMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns one benchmark; NOT_FOUND when it does not exist.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.GetBenchmarkResponse> getBenchmark(
        com.csat.v1.GetBenchmarkRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetBenchmarkMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists benchmarks in benchmark_id order, paged per AIP-158.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.ListBenchmarksResponse> listBenchmarks(
        com.csat.v1.ListBenchmarksRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListBenchmarksMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Deletes a benchmark; FAILED_PRECONDITION for a built-in one, NOT_FOUND when it does not exist.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.DeleteBenchmarkResponse> deleteBenchmark(
        com.csat.v1.DeleteBenchmarkRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteBenchmarkMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_CREATE_BENCHMARK = 0;
  private static final int METHODID_GET_BENCHMARK = 1;
  private static final int METHODID_LIST_BENCHMARKS = 2;
  private static final int METHODID_DELETE_BENCHMARK = 3;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final AsyncService serviceImpl;
    private final int methodId;

    MethodHandlers(AsyncService serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_CREATE_BENCHMARK:
          serviceImpl.createBenchmark((com.csat.v1.CreateBenchmarkRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.CreateBenchmarkResponse>) responseObserver);
          break;
        case METHODID_GET_BENCHMARK:
          serviceImpl.getBenchmark((com.csat.v1.GetBenchmarkRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.GetBenchmarkResponse>) responseObserver);
          break;
        case METHODID_LIST_BENCHMARKS:
          serviceImpl.listBenchmarks((com.csat.v1.ListBenchmarksRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.ListBenchmarksResponse>) responseObserver);
          break;
        case METHODID_DELETE_BENCHMARK:
          serviceImpl.deleteBenchmark((com.csat.v1.DeleteBenchmarkRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.DeleteBenchmarkResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getCreateBenchmarkMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.CreateBenchmarkRequest,
              com.csat.v1.CreateBenchmarkResponse>(
                service, METHODID_CREATE_BENCHMARK)))
        .addMethod(
          getGetBenchmarkMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.GetBenchmarkRequest,
              com.csat.v1.GetBenchmarkResponse>(
                service, METHODID_GET_BENCHMARK)))
        .addMethod(
          getListBenchmarksMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.ListBenchmarksRequest,
              com.csat.v1.ListBenchmarksResponse>(
                service, METHODID_LIST_BENCHMARKS)))
        .addMethod(
          getDeleteBenchmarkMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.DeleteBenchmarkRequest,
              com.csat.v1.DeleteBenchmarkResponse>(
                service, METHODID_DELETE_BENCHMARK)))
        .build();
  }

  private static abstract class BenchmarkServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    BenchmarkServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return com.csat.v1.BenchmarkProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("BenchmarkService");
    }
  }

  private static final class BenchmarkServiceFileDescriptorSupplier
      extends BenchmarkServiceBaseDescriptorSupplier {
    BenchmarkServiceFileDescriptorSupplier() {}
  }

  private static final class BenchmarkServiceMethodDescriptorSupplier
      extends BenchmarkServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    BenchmarkServiceMethodDescriptorSupplier(java.lang.String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (BenchmarkServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new BenchmarkServiceFileDescriptorSupplier())
              .addMethod(getCreateBenchmarkMethod())
              .addMethod(getGetBenchmarkMethod())
              .addMethod(getListBenchmarksMethod())
              .addMethod(getDeleteBenchmarkMethod())
              .build();
        }
      }
    }
    return result;
  }
}
