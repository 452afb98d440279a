"""Databricks job task: register the trained model in Unity Catalog and hand its version to the release task.

Runs on a Databricks ML runtime (mlflow is part of it). Arguments: --model catalog.schema.model --run-id <MLflow run>
[--artifact-path model] [--target label[,weight]] [--features a,b,c]. The new version is published as the task value
``model_version``, which databricks.yml passes to the release task as ``{{tasks.register_model.values.model_version}}``.

The version is then tagged with the lineage MlopsFlows records for the audit packet (the table of lineage fields in
the repository's README, section Configuration): ``artifact_sha256`` (Unity Catalog keeps no content hash of a version's files),
``environment.python`` and ``environment.requirements`` from the logged model's environment files, and ``target`` and
``features`` when given (without ``features`` MlopsFlows takes the training dataset's columns less the target).
"""

from __future__ import annotations

import argparse
import hashlib
import os
from typing import Optional

# MLflow refuses longer tag values.
MAX_TAG_VALUE = 5000


def artefact_sha256(folder: str) -> str:
    """SHA-256 of every file under ``folder``, the same as ``cd folder && find . -type f | LC_ALL=C sort | xargs sha256sum
    | sha256sum`` prints: the hash of the lines ``<sha256 of the file>  ./<path>``, one per file in byte order of path."""
    paths = []
    for root, _, files in os.walk(folder):
        for name in files:
            paths.append(os.path.relpath(os.path.join(root, name), folder).replace(os.sep, "/"))
    manifest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.encode()):
        with open(os.path.join(folder, path), "rb") as file:
            manifest.update(f"{hashlib.sha256(file.read()).hexdigest()}  ./{path}\n".encode())
    return manifest.hexdigest()


def lineage_tags(folder: str, target: Optional[str] = None, features: Optional[str] = None) -> dict[str, str]:
    """The version tags MlopsFlows reads as lineage, from the logged model folder and the task's arguments."""
    tags = {"artifact_sha256": artefact_sha256(folder)}
    python_env = os.path.join(folder, "python_env.yaml")
    if os.path.exists(python_env):
        with open(python_env, encoding="utf-8") as file:
            # One "python: 3.12.3" line; read without a YAML parser so the task needs nothing beyond the runtime.
            for line in file:
                key, _, value = line.partition(":")
                if key.strip() == "python" and value.strip():
                    tags["environment.python"] = value.strip()
    requirements = os.path.join(folder, "requirements.txt")
    if os.path.exists(requirements):
        with open(requirements, encoding="utf-8") as file:
            pinned = [line.strip() for line in file if line.strip() and not line.lstrip().startswith("#")]
        if pinned:
            tags["environment.requirements"] = ", ".join(pinned)[:MAX_TAG_VALUE]
    if target:
        tags["target"] = target
    if features:
        tags["features"] = features[:MAX_TAG_VALUE]
    return tags


def main() -> None:
    # Imported here: only the Databricks runtime has them, and the helpers above are tested without it.
    import mlflow  # type: ignore
    from mlflow.tracking import MlflowClient  # type: ignore
    from pyspark.dbutils import DBUtils  # type: ignore
    from pyspark.sql import SparkSession  # type: ignore

    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--artifact-path", default="model")
    parser.add_argument("--target", help="the training data's target column(s), comma-separated")
    parser.add_argument("--features", help="the model's input features, comma-separated")
    args = parser.parse_args()

    mlflow.set_registry_uri("databricks-uc")
    version = mlflow.register_model(f"runs:/{args.run_id}/{args.artifact_path}", args.model)
    print(f"Registered {args.model} version {version.version}")

    # Tagged before the version is handed on, so the release reads them with everything else.
    folder = mlflow.artifacts.download_artifacts(run_id=args.run_id, artifact_path=args.artifact_path)
    client = MlflowClient()
    for key, value in lineage_tags(folder, args.target, args.features).items():
        client.set_model_version_tag(args.model, version.version, key, value)
    print(f"Tagged version {version.version} with its lineage (artifact_sha256 and environment)")

    DBUtils(SparkSession.builder.getOrCreate()).jobs.taskValues.set(key="model_version", value=int(version.version))


if __name__ == "__main__":
    main()
