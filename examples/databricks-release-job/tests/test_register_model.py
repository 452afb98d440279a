"""Unit tests of the lineage tags register_model.py puts on a version (the mlflow calls themselves need a workspace).

Run: python3 -m unittest discover -s examples/databricks-release-job/tests
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

import register_model  # noqa: E402


class LineageTagsTests(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="mlopsflows-model-")
        self.addCleanup(shutil.rmtree, self.folder)

    def write(self, path, text):
        full = os.path.join(self.folder, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as file:
            file.write(text)

    @unittest.skipUnless(shutil.which("sha256sum") and shutil.which("find"), "needs find and sha256sum")
    def test_artefact_sha256_is_what_sha256sum_gives_over_the_sorted_file_list(self):
        self.write("MLmodel", "flavors: {}\n")
        self.write("model.pkl", "binary-ish")
        self.write("metadata/a.json", "{}")
        self.write("metadata.txt", "notes")  # sorts before metadata/a.json in byte order ('.' < '/')

        shell = subprocess.run(
            "find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum",
            shell=True, cwd=self.folder, capture_output=True, text=True, check=True)

        self.assertEqual(shell.stdout.split()[0], register_model.artefact_sha256(self.folder))

    def test_artefact_sha256_changes_with_any_file(self):
        self.write("model.pkl", "v1")
        before = register_model.artefact_sha256(self.folder)
        self.write("model.pkl", "v2")

        self.assertNotEqual(before, register_model.artefact_sha256(self.folder))

    def test_lineage_tags_reads_the_environment_files_and_the_arguments(self):
        self.write("python_env.yaml", "python: 3.12.3\nbuild_dependencies:\n  - pip==24.0\n")
        self.write("requirements.txt", "# pinned by mlflow\nmlflow==2.19.0\n\nscikit-learn==1.5.2\n")

        tags = register_model.lineage_tags(self.folder, target="defaulted_12m", features="income,age")

        self.assertEqual(
            {"artifact_sha256", "environment.python", "environment.requirements", "target", "features"}, set(tags))
        self.assertEqual("3.12.3", tags["environment.python"])
        self.assertEqual("mlflow==2.19.0, scikit-learn==1.5.2", tags["environment.requirements"])
        self.assertEqual(("defaulted_12m", "income,age"), (tags["target"], tags["features"]))

    def test_lineage_tags_without_environment_files_or_arguments_is_only_the_hash(self):
        self.write("model.pkl", "x")

        self.assertEqual(["artifact_sha256"], list(register_model.lineage_tags(self.folder)))


if __name__ == "__main__":
    unittest.main()
