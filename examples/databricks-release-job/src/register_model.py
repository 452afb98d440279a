"""Databricks job task: register the trained model in Unity Catalog and hand its version to the release task.

Runs on a Databricks ML runtime (mlflow is part of it). Arguments: --model catalog.schema.model --run-id <MLflow run>
[--artifact-path model]. The new version is published as the task value ``model_version``, which databricks.yml
passes to the release task as ``{{tasks.register_model.values.model_version}}``.
"""

import argparse

import mlflow  # type: ignore  # provided by the Databricks ML runtime
from pyspark.dbutils import DBUtils  # type: ignore
from pyspark.sql import SparkSession  # type: ignore


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--artifact-path", default="model")
    args = parser.parse_args()

    mlflow.set_registry_uri("databricks-uc")
    version = mlflow.register_model(f"runs:/{args.run_id}/{args.artifact_path}", args.model)
    print(f"Registered {args.model} version {version.version}")
    DBUtils(SparkSession.builder.getOrCreate()).jobs.taskValues.set(key="model_version", value=int(version.version))


if __name__ == "__main__":
    main()
