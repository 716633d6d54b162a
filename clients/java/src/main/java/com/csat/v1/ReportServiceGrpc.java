package com.csat.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * ReportService answers CSAT, NPS and CES questions about the stored ratings: overall, per group
 * and per time bucket, against the previous period, targets and benchmarks. Every number is exact
 * (computed from the ratings themselves, never sampled), as of the sequence a report names.
 * Reports read rollups: counts per survey, local day, channel and score, per declared dimension
 * value and per reason code, kept in the same transaction as the ratings, for the time zones the
 * server is configured with (`--rollup-time-zones`, UTC by default). A query they cover costs in
 * proportion to the days and groups it spans; any other query (a customer_id, an attribute the
 * survey does not declare as a dimension, hour buckets, a range that does not start and end at
 * local midnight, a channel with a dimension or a reason, a reason with an attribute, more than one
 * reason code in the filter or reason codes filtered in a report grouped by reason, a zone without
 * rollups) is answered exactly by scanning the ratings, which takes longer.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class ReportServiceGrpc {

  private ReportServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "csat.v1.ReportService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<com.csat.v1.GetReportRequest,
      com.csat.v1.GetReportResponse> getGetReportMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetReport",
      requestType = com.csat.v1.GetReportRequest.class,
      responseType = com.csat.v1.GetReportResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.GetReportRequest,
      com.csat.v1.GetReportResponse> getGetReportMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.GetReportRequest, com.csat.v1.GetReportResponse> getGetReportMethod;
    if ((getGetReportMethod = ReportServiceGrpc.getGetReportMethod) == null) {
      synchronized (ReportServiceGrpc.class) {
        if ((getGetReportMethod = ReportServiceGrpc.getGetReportMethod) == null) {
          ReportServiceGrpc.getGetReportMethod = getGetReportMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.GetReportRequest, com.csat.v1.GetReportResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetReport"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.GetReportRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.GetReportResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ReportServiceMethodDescriptorSupplier("GetReport"))
              .build();
        }
      }
    }
    return getGetReportMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.WatchReportRequest,
      com.csat.v1.WatchReportResponse> getWatchReportMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "WatchReport",
      requestType = com.csat.v1.WatchReportRequest.class,
      responseType = com.csat.v1.WatchReportResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<com.csat.v1.WatchReportRequest,
      com.csat.v1.WatchReportResponse> getWatchReportMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.WatchReportRequest, com.csat.v1.WatchReportResponse> getWatchReportMethod;
    if ((getWatchReportMethod = ReportServiceGrpc.getWatchReportMethod) == null) {
      synchronized (ReportServiceGrpc.class) {
        if ((getWatchReportMethod = ReportServiceGrpc.getWatchReportMethod) == null) {
          ReportServiceGrpc.getWatchReportMethod = getWatchReportMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.WatchReportRequest, com.csat.v1.WatchReportResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "WatchReport"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.WatchReportRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.WatchReportResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ReportServiceMethodDescriptorSupplier("WatchReport"))
              .build();
        }
      }
    }
    return getWatchReportMethod;
  }

  private static volatile io.grpc.MethodDescriptor<com.csat.v1.GetBenchmarkReportRequest,
      com.csat.v1.GetBenchmarkReportResponse> getGetBenchmarkReportMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetBenchmarkReport",
      requestType = com.csat.v1.GetBenchmarkReportRequest.class,
      responseType = com.csat.v1.GetBenchmarkReportResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<com.csat.v1.GetBenchmarkReportRequest,
      com.csat.v1.GetBenchmarkReportResponse> getGetBenchmarkReportMethod() {
    io.grpc.MethodDescriptor<com.csat.v1.GetBenchmarkReportRequest, com.csat.v1.GetBenchmarkReportResponse> getGetBenchmarkReportMethod;
    if ((getGetBenchmarkReportMethod = ReportServiceGrpc.getGetBenchmarkReportMethod) == null) {
      synchronized (ReportServiceGrpc.class) {
        if ((getGetBenchmarkReportMethod = ReportServiceGrpc.getGetBenchmarkReportMethod) == null) {
          ReportServiceGrpc.getGetBenchmarkReportMethod = getGetBenchmarkReportMethod =
              io.grpc.MethodDescriptor.<com.csat.v1.GetBenchmarkReportRequest, com.csat.v1.GetBenchmarkReportResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetBenchmarkReport"))
              .setSafe(true)
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.GetBenchmarkReportRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.csat.v1.GetBenchmarkReportResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ReportServiceMethodDescriptorSupplier("GetBenchmarkReport"))
              .build();
        }
      }
    }
    return getGetBenchmarkReportMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static ReportServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ReportServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ReportServiceStub>() {
        @java.lang.Override
        public ReportServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ReportServiceStub(channel, callOptions);
        }
      };
    return ReportServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static ReportServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ReportServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ReportServiceBlockingV2Stub>() {
        @java.lang.Override
        public ReportServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ReportServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return ReportServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static ReportServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ReportServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ReportServiceBlockingStub>() {
        @java.lang.Override
        public ReportServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ReportServiceBlockingStub(channel, callOptions);
        }
      };
    return ReportServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static ReportServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ReportServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ReportServiceFutureStub>() {
        @java.lang.Override
        public ReportServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ReportServiceFutureStub(channel, callOptions);
        }
      };
    return ReportServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * ReportService answers CSAT, NPS and CES questions about the stored ratings: overall, per group
   * and per time bucket, against the previous period, targets and benchmarks. Every number is exact
   * (computed from the ratings themselves, never sampled), as of the sequence a report names.
   * Reports read rollups: counts per survey, local day, channel and score, per declared dimension
   * value and per reason code, kept in the same transaction as the ratings, for the time zones the
   * server is configured with (`--rollup-time-zones`, UTC by default). A query they cover costs in
   * proportion to the days and groups it spans; any other query (a customer_id, an attribute the
   * survey does not declare as a dimension, hour buckets, a range that does not start and end at
   * local midnight, a channel with a dimension or a reason, a reason with an attribute, more than one
   * reason code in the filter or reason codes filtered in a report grouped by reason, a zone without
   * rollups) is answered exactly by scanning the ratings, which takes longer.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Returns the metrics of the ratings a query selects: overall, per group, per time bucket.
     * </pre>
     */
    default void getReport(com.csat.v1.GetReportRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.GetReportResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetReportMethod(), responseObserver);
    }

    /**
     * <pre>
     * Sends the report of a query now, then a fresh one whenever ratings the query selects were
     * committed (through any replica), at most one per min_interval; ratings the query does not
     * select send nothing. Runs until the caller leaves; ends with OK when the server shuts down.
     * Watchers of the same query and min_interval share each computation; refreshes that scan take
     * turns, so they may come later than min_interval while others are computed, but a first report
     * and a report the rollups answer do not wait for them. A failed computation ends each of its
     * watchers with its error. A server holds at most --max-report-watchers (default 200) of these calls open at
     * once: one more is refused with RESOURCE_EXHAUSTED (ErrorInfo reason TOO_MANY_REPORT_WATCHERS).
     * </pre>
     */
    default void watchReport(com.csat.v1.WatchReportRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.WatchReportResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getWatchReportMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns each segment (group) of a query against its target, benchmarks and the other segments,
     * with its trend.
     * </pre>
     */
    default void getBenchmarkReport(com.csat.v1.GetBenchmarkReportRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.GetBenchmarkReportResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetBenchmarkReportMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service ReportService.
   * <pre>
   * ReportService answers CSAT, NPS and CES questions about the stored ratings: overall, per group
   * and per time bucket, against the previous period, targets and benchmarks. Every number is exact
   * (computed from the ratings themselves, never sampled), as of the sequence a report names.
   * Reports read rollups: counts per survey, local day, channel and score, per declared dimension
   * value and per reason code, kept in the same transaction as the ratings, for the time zones the
   * server is configured with (`--rollup-time-zones`, UTC by default). A query they cover costs in
   * proportion to the days and groups it spans; any other query (a customer_id, an attribute the
   * survey does not declare as a dimension, hour buckets, a range that does not start and end at
   * local midnight, a channel with a dimension or a reason, a reason with an attribute, more than one
   * reason code in the filter or reason codes filtered in a report grouped by reason, a zone without
   * rollups) is answered exactly by scanning the ratings, which takes longer.
   * </pre>
   */
  public static abstract class ReportServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return ReportServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service ReportService.
   * <pre>
   * ReportService answers CSAT, NPS and CES questions about the stored ratings: overall, per group
   * and per time bucket, against the previous period, targets and benchmarks. Every number is exact
   * (computed from the ratings themselves, never sampled), as of the sequence a report names.
   * Reports read rollups: counts per survey, local day, channel and score, per declared dimension
   * value and per reason code, kept in the same transaction as the ratings, for the time zones the
   * server is configured with (`--rollup-time-zones`, UTC by default). A query they cover costs in
   * proportion to the days and groups it spans; any other query (a customer_id, an attribute the
   * survey does not declare as a dimension, hour buckets, a range that does not start and end at
   * local midnight, a channel with a dimension or a reason, a reason with an attribute, more than one
   * reason code in the filter or reason codes filtered in a report grouped by reason, a zone without
   * rollups) is answered exactly by scanning the ratings, which takes longer.
   * </pre>
   */
  public static final class ReportServiceStub
      extends io.grpc.stub.AbstractAsyncStub<ReportServiceStub> {
    private ReportServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ReportServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ReportServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns the metrics of the ratings a query selects: overall, per group, per time bucket.
     * </pre>
     */
    public void getReport(com.csat.v1.GetReportRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.GetReportResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetReportMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Sends the report of a query now, then a fresh one whenever ratings the query selects were
     * committed (through any replica), at most one per min_interval; ratings the query does not
     * select send nothing. Runs until the caller leaves; ends with OK when the server shuts down.
     * Watchers of the same query and min_interval share each computation; refreshes that scan take
     * turns, so they may come later than min_interval while others are computed, but a first report
     * and a report the rollups answer do not wait for them. A failed computation ends each of its
     * watchers with its error. A server holds at most --max-report-watchers (default 200) of these calls open at
     * once: one more is refused with RESOURCE_EXHAUSTED (ErrorInfo reason TOO_MANY_REPORT_WATCHERS).
     * </pre>
     */
    public void watchReport(com.csat.v1.WatchReportRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.WatchReportResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getWatchReportMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns each segment (group) of a query against its target, benchmarks and the other segments,
     * with its trend.
     * </pre>
     */
    public void getBenchmarkReport(com.csat.v1.GetBenchmarkReportRequest request,
        io.grpc.stub.StreamObserver<com.csat.v1.GetBenchmarkReportResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetBenchmarkReportMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service ReportService.
   * <pre>
   * ReportService answers CSAT, NPS and CES questions about the stored ratings: overall, per group
   * and per time bucket, against the previous period, targets and benchmarks. Every number is exact
   * (computed from the ratings themselves, never sampled), as of the sequence a report names.
   * Reports read rollups: counts per survey, local day, channel and score, per declared dimension
   * value and per reason code, kept in the same transaction as the ratings, for the time zones the
   * server is configured with (`--rollup-time-zones`, UTC by default). A query they cover costs in
   * proportion to the days and groups it spans; any other query (a customer_id, an attribute the
   * survey does not declare as a dimension, hour buckets, a range that does not start and end at
   * local midnight, a channel with a dimension or a reason, a reason with an attribute, more than one
   * reason code in the filter or reason codes filtered in a report grouped by reason, a zone without
   * rollups) is answered exactly by scanning the ratings, which takes longer.
   * </pre>
   */
  public static final class ReportServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<ReportServiceBlockingV2Stub> {
    private ReportServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ReportServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ReportServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns the metrics of the ratings a query selects: overall, per group, per time bucket.
     * </pre>
     */
    public com.csat.v1.GetReportResponse getReport(com.csat.v1.GetReportRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetReportMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Sends the report of a query now, then a fresh one whenever ratings the query selects were
     * committed (through any replica), at most one per min_interval; ratings the query does not
     * select send nothing. Runs until the caller leaves; ends with OK when the server shuts down.
     * Watchers of the same query and min_interval share each computation; refreshes that scan take
     * turns, so they may come later than min_interval while others are computed, but a first report
     * and a report the rollups answer do not wait for them. A failed computation ends each of its
     * watchers with its error. A server holds at most --max-report-watchers (default 200) of these calls open at
     * once: one more is refused with RESOURCE_EXHAUSTED (ErrorInfo reason TOO_MANY_REPORT_WATCHERS).
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, com.csat.v1.WatchReportResponse>
        watchReport(com.csat.v1.WatchReportRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getWatchReportMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns each segment (group) of a query against its target, benchmarks and the other segments,
     * with its trend.
     * </pre>
     */
    public com.csat.v1.GetBenchmarkReportResponse getBenchmarkReport(com.csat.v1.GetBenchmarkReportRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetBenchmarkReportMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service ReportService.
   * <pre>
   * ReportService answers CSAT, NPS and CES questions about the stored ratings: overall, per group
   * and per time bucket, against the previous period, targets and benchmarks. Every number is exact
   * (computed from the ratings themselves, never sampled), as of the sequence a report names.
   * Reports read rollups: counts per survey, local day, channel and score, per declared dimension
   * value and per reason code, kept in the same transaction as the ratings, for the time zones the
   * server is configured with (`--rollup-time-zones`, UTC by default). A query they cover costs in
   * proportion to the days and groups it spans; any other query (a customer_id, an attribute the
   * survey does not declare as a dimension, hour buckets, a range that does not start and end at
   * local midnight, a channel with a dimension or a reason, a reason with an attribute, more than one
   * reason code in the filter or reason codes filtered in a report grouped by reason, a zone without
   * rollups) is answered exactly by scanning the ratings, which takes longer.
   * </pre>
   */
  public static final class ReportServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<ReportServiceBlockingStub> {
    private ReportServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ReportServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ReportServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns the metrics of the ratings a query selects: overall, per group, per time bucket.
     * </pre>
     */
    public com.csat.v1.GetReportResponse getReport(com.csat.v1.GetReportRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetReportMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Sends the report of a query now, then a fresh one whenever ratings the query selects were
     * committed (through any replica), at most one per min_interval; ratings the query does not
     * select send nothing. Runs until the caller leaves; ends with OK when the server shuts down.
     * Watchers of the same query and min_interval share each computation; refreshes that scan take
     * turns, so they may come later than min_interval while others are computed, but a first report
     * and a report the rollups answer do not wait for them. A failed computation ends each of its
     * watchers with its error. A server holds at most --max-report-watchers (default 200) of these calls open at
     * once: one more is refused with RESOURCE_EXHAUSTED (ErrorInfo reason TOO_MANY_REPORT_WATCHERS).
     * </pre>
     */
    public java.util.Iterator<com.csat.v1.WatchReportResponse> watchReport(
        com.csat.v1.WatchReportRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getWatchReportMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns each segment (group) of a query against its target, benchmarks and the other segments,
     * with its trend.
     * </pre>
     */
    public com.csat.v1.GetBenchmarkReportResponse getBenchmarkReport(com.csat.v1.GetBenchmarkReportRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetBenchmarkReportMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service ReportService.
   * <pre>
   * ReportService answers CSAT, NPS and CES questions about the stored ratings: overall, per group
   * and per time bucket, against the previous period, targets and benchmarks. Every number is exact
   * (computed from the ratings themselves, never sampled), as of the sequence a report names.
   * Reports read rollups: counts per survey, local day, channel and score, per declared dimension
   * value and per reason code, kept in the same transaction as the ratings, for the time zones the
   * server is configured with (`--rollup-time-zones`, UTC by default). A query they cover costs in
   * proportion to the days and groups it spans; any other query (a customer_id, an attribute the
   * survey does not declare as a dimension, hour buckets, a range that does not start and end at
   * local midnight, a channel with a dimension or a reason, a reason with an attribute, more than one
   * reason code in the filter or reason codes filtered in a report grouped by reason, a zone without
   * rollups) is answered exactly by scanning the ratings, which takes longer.
   * </pre>
   */
  public static final class ReportServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<ReportServiceFutureStub> {
    private ReportServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ReportServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ReportServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns the metrics of the ratings a query selects: overall, per group, per time bucket.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.GetReportResponse> getReport(
        com.csat.v1.GetReportRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetReportMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns each segment (group) of a query against its target, benchmarks and the other segments,
     * with its trend.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.csat.v1.GetBenchmarkReportResponse> getBenchmarkReport(
        com.csat.v1.GetBenchmarkReportRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetBenchmarkReportMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_GET_REPORT = 0;
  private static final int METHODID_WATCH_REPORT = 1;
  private static final int METHODID_GET_BENCHMARK_REPORT = 2;

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
        case METHODID_GET_REPORT:
          serviceImpl.getReport((com.csat.v1.GetReportRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.GetReportResponse>) responseObserver);
          break;
        case METHODID_WATCH_REPORT:
          serviceImpl.watchReport((com.csat.v1.WatchReportRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.WatchReportResponse>) responseObserver);
          break;
        case METHODID_GET_BENCHMARK_REPORT:
          serviceImpl.getBenchmarkReport((com.csat.v1.GetBenchmarkReportRequest) request,
              (io.grpc.stub.StreamObserver<com.csat.v1.GetBenchmarkReportResponse>) responseObserver);
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
          getGetReportMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.GetReportRequest,
              com.csat.v1.GetReportResponse>(
                service, METHODID_GET_REPORT)))
        .addMethod(
          getWatchReportMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              com.csat.v1.WatchReportRequest,
              com.csat.v1.WatchReportResponse>(
                service, METHODID_WATCH_REPORT)))
        .addMethod(
          getGetBenchmarkReportMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              com.csat.v1.GetBenchmarkReportRequest,
              com.csat.v1.GetBenchmarkReportResponse>(
                service, METHODID_GET_BENCHMARK_REPORT)))
        .build();
  }

  private static abstract class ReportServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    ReportServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return com.csat.v1.ReportProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("ReportService");
    }
  }

  private static final class ReportServiceFileDescriptorSupplier
      extends ReportServiceBaseDescriptorSupplier {
    ReportServiceFileDescriptorSupplier() {}
  }

  private static final class ReportServiceMethodDescriptorSupplier
      extends ReportServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    ReportServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (ReportServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new ReportServiceFileDescriptorSupplier())
              .addMethod(getGetReportMethod())
              .addMethod(getWatchReportMethod())
              .addMethod(getGetBenchmarkReportMethod())
              .build();
        }
      }
    }
    return result;
  }
}
