//! Compiles `proto/csat/v1/*.proto` without a system protoc: protox parses the files into a
//! descriptor set, tonic-prost-build generates the code, and the descriptor set is written next to
//! it for gRPC reflection (compile_fds does not write it itself).

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto_root = "proto";
    let proto_files = [
        "common.proto",
        "survey.proto",
        "rating.proto",
        "benchmark.proto",
        "report.proto",
        "follow_up.proto",
        "customer.proto",
        "invitation.proto",
    ]
    .map(|file| format!("{proto_root}/csat/v1/{file}"));
    println!("cargo:rerun-if-changed={proto_root}");
    for file in &proto_files {
        println!("cargo:rerun-if-changed={file}");
    }

    let file_descriptors = protox::compile(&proto_files, [proto_root])?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("csat_descriptor.bin"),
        prost::Message::encode_to_vec(&file_descriptors),
    )?;

    tonic_prost_build::configure()
        // Deterministic map order, so that an encoded filter hashes the same way every time.
        .btree_map(".")
        // A request that does not decode is INVALID_ARGUMENT, not tonic-prost's INTERNAL.
        .codec_path("crate::codec::CsatCodec")
        .compile_fds(file_descriptors)?;
    Ok(())
}
