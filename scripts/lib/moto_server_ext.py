"""moto_server launcher with the CloudFormation/IAM extensions our integration tests need.

    python3 scripts/lib/moto_server_ext.py -H 127.0.0.1 -p PORT

Written against moto 5.2.1 (preinstalled; it cannot be upgraded here). Everything is
registered at import time, before moto.server.main() handles the first request; that
matters because moto caches its CloudFormation type map (lru_cache) on first use.

What it adds or fixes (moto 5.2.1 behaviour in brackets):
  * AWS::IAM::Group as a CloudFormation type: GroupName, Path, ManagedPolicyArns,
    Policies; Ref = name, GetAtt Arn; update and delete. [type unknown: silently
    skipped, Ref -> None, GetAtt in Outputs -> HTTP 500]
  * AWS::IAM::ManagedPolicy update (new default version, attachment diff) and delete
    (detach, then delete). [no update: the resource becomes None after any change,
    no delete: orphaned policy on stack delete]
  * AWS::IAM::Role: ManagedPolicyArns are attached, inline Policies and the trust
    policy are validated, updates apply trust/Policies/ManagedPolicyArns. [ignored]
  * Stack updates re-evaluate IAM resources whose Ref/GetAtt/Sub targets changed and
    apply changes in dependency order. [only resources whose own JSON changed]
  * Deletion refuses (DeleteConflict) while other attachments remain, so moto's
    retry loop ends up deleting in dependency order like CloudFormation.
  * AWS-managed policies (arn:aws:iam::aws:policy/...) exist, unless the caller sets
    MOTO_IAM_LOAD_MANAGED_POLICIES=false. [absent by default]
  * IAM quotas (set MOTO_EXT_IAM_QUOTAS=0 to disable): managed policy 6,144 chars,
    inline policies per group 5,120 / per role 10,240 (whitespace not counted),
    10 managed policies per group/role/user. [no quotas]
  * A failing CreateStack ends ROLLBACK_COMPLETE (created resources deleted) and a
    failing DeleteStack ends DELETE_FAILED, the error being the reason of a stack-level
    *_FAILED event. [CreateStack returned the error and left CREATE_IN_PROGRESS plus
    partial resources; a failed delete made the stack vanish and kept its exports]
  * Outputs/Exports are recomputed after UpdateStack and ExecuteChangeSet; an Output
    whose Condition is false is not exported; ExportName is matched by output, not by
    value. [stale or missing Outputs, HTTP 500, wrong ExportName]
  * From the sls-traces moto_lenient.py: ValidateTemplate rejects only cfn-lint
    errors (E*), not warnings; stack resource listings skip unmodelled (None)
    resources; UpdateTerminationProtection exists as a stored flag.
  * Custom::* and AWS::CloudFormation::CustomResource backed by a Lambda function of moto:
    the function's own code runs in a real `node` process, answering a local stand-in for
    the presigned ResponseURL; Create, Update (with replacement) and Delete, FAILED and
    missing answers, rollback Deletes. See the section "Custom:: resources" below.
    [moto invoked the function in Docker, absent here: CreateStack failed with HTTP 500]
  * Stack deletion and a failed create's rollback go in reverse dependency order (Ref,
    GetAtt, Sub, DependsOn). [set order: a custom resource could lose its function first]
  * DeleteStack RetainResources, accepted once the stack is DELETE_FAILED. [ignored]
  * AWS::SecretsManager::Secret, AWS::CloudWatch::Alarm, AWS::SNS::Subscription,
    AWS::IAM::UserToGroupAddition, AWS::IAM::OIDCProvider and AWS::SSO::PermissionSet as
    CloudFormation types.
    [silently skipped]
  * AWS::SSM::Parameter without Name (CloudFormation generates one) or with its Tags map,
    AWS::KMS::Key with Tags. [the stack failed: 'NoneType' object has no attribute 'lower',
    string indices must be integers, "Fn::GetAtt references undefined resource"]
  * With MOTO_EXT_PARENT_PID set, the server exits when that process is gone.
"""
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

from moto.awslambda import lambda_backends  # noqa: E402
from moto.cloudformation import models as cfn_models  # noqa: E402
from moto.cloudformation import parsing  # noqa: E402
from moto.cloudformation import responses as cfn_responses  # noqa: E402
from moto.core.common_models import CloudFormationModel  # noqa: E402
from moto.core.responses import ActionResult  # noqa: E402
from moto.iam import models as iam  # noqa: E402
from moto.iam.exceptions import DeleteConflictException, LimitExceededException, NotFoundException  # noqa: E402
from moto.iam.policy_validation import IAMTrustPolicyDocumentValidator  # noqa: E402
from moto.moto_api._internal import models as moto_api_models  # noqa: E402
from moto.moto_api._internal import urls as moto_api_urls  # noqa: E402
from moto.utilities.utils import get_partition  # noqa: E402


def _backend(account_id: str, region_name: str) -> Any:
    return iam.iam_backends[account_id][get_partition(region_name)]


def _doc(document: Any) -> str:
    return document if isinstance(document, str) else json.dumps(document)


def _quiet(fn: Any, *args: Any) -> None:
    """Run a detach/delete that may already have happened."""
    try:
        fn(*args)
    except NotFoundException:
        pass


def _atomic(step: Any, undo: Any) -> None:
    """A resource whose create fails half-way is never handed to moto, so a rollback
    could not delete it: undo the half-made resource here, then re-raise."""
    try:
        step()
    except Exception:
        undo()
        raise


def _sync_managed(attach: Any, detach: Any, old: list, new: list) -> list:
    """Attach/detach so that exactly `new` of the ARNs this resource owns are attached."""
    for arn in old:
        if arn not in new:
            _quiet(detach, arn)
    for arn in new:
        if arn not in old:
            attach(arn)
    return list(new)


def _sync_inline(put: Any, delete: Any, old: list, policies: list) -> list:
    wanted = {p["PolicyName"]: p["PolicyDocument"] for p in policies}
    for name in old:
        if name not in wanted:
            _quiet(delete, name)
    for name, document in wanted.items():
        put(name, _doc(document))
    return list(wanted)


# --- AWS::IAM::Group ------------------------------------------------------------------
class CfnIamGroup(CloudFormationModel):
    # moto's model registry derives the service name from the module path (moto.<service>.x)
    __module__ = "moto.iam.cfn_group_ext"

    def __init__(self, group: Any, account_id: str, region_name: str):
        self.group, self.account_id, self.region_name = group, account_id, region_name
        self.own_arns: list = []  # attachments made through this resource's own properties
        self.own_inline: list = []

    @property
    def backend(self) -> Any:
        return _backend(self.account_id, self.region_name)

    def apply(self, props: dict) -> None:
        b, name = self.backend, self.group.name
        self.own_arns = _sync_managed(lambda a: b.attach_group_policy(a, name),
                                      lambda a: b.detach_group_policy(a, name),
                                      self.own_arns, props.get("ManagedPolicyArns", []))
        self.own_inline = _sync_inline(lambda n, d: b.put_group_policy(name, n, d),
                                       lambda n: b.delete_group_policy(name, n),
                                       self.own_inline, props.get("Policies", []))

    @staticmethod
    def cloudformation_name_type() -> str:
        return "GroupName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::IAM::Group"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "Arn":
            return self.group.arn
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
        raise UnformattedGetAttTemplateException()

    @property
    def physical_resource_id(self) -> str:
        return self.group.name

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict,
                                        account_id: str, region_name: str, **kwargs: Any) -> "CfnIamGroup":
        props = cloudformation_json.get("Properties", {})
        group = _backend(account_id, region_name).create_group(resource_name, props.get("Path", "/"))
        resource = cls(group, account_id, region_name)
        _atomic(lambda: resource.apply(props), lambda: resource.delete(account_id, region_name, force=True))
        return resource

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: "CfnIamGroup", new_resource_name: str,
                                        cloudformation_json: dict, account_id: str, region_name: str) -> "CfnIamGroup":
        props = cloudformation_json.get("Properties", {})
        if props.get("GroupName", original_resource.group.name) != original_resource.group.name:
            # Replacement. Dependents are re-evaluated afterwards (see build_resource_diff),
            # so the old group's remaining attachments can go.
            new = cls.create_from_cloudformation_json(props["GroupName"], cloudformation_json, account_id, region_name)
            original_resource.delete(account_id, region_name, force=True)
            return new
        original_resource.group.path = props.get("Path", "/")
        original_resource.apply(props)
        return original_resource

    def delete(self, account_id: str, region_name: str, force: bool = False) -> None:
        # NB: moto falls back to a silent no-op if this raises TypeError/AttributeError.
        b, group = self.backend, self.group
        self.apply({})
        if force:
            for arn in list(group.managed_policies):
                b.detach_group_policy(arn, group.name)
            group.policies.clear()
        if group.managed_policies or group.policies:
            # Another resource (ManagedPolicy with Groups, AWS::IAM::Policy) still uses the
            # group; moto's delete loop retries after deleting the others.
            raise DeleteConflictException("Cannot delete entity, must detach all policies first.")
        b.delete_group(group.name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict,
                                        account_id: str, region_name: str) -> None:
        _quiet(_backend(account_id, region_name).delete_group, resource_name)

    def is_created(self) -> bool:
        return True


# --- AWS::IAM::ManagedPolicy: update and delete ---------------------------------------
_ATTACH_KINDS = {"Groups": "group", "Users": "user", "Roles": "role"}


def _mp_attachments(props: dict) -> dict:
    return {k: list(props.get(k, [])) for k in _ATTACH_KINDS}


def _mp_create(cls: Any, resource_name: str, cloudformation_json: dict, account_id: str,
               region_name: str, **kwargs: Any) -> Any:
    # replaces moto's version, which left the policy behind when an attachment failed
    props, b = cloudformation_json.get("Properties", {}), _backend(account_id, region_name)
    policy = b.create_policy(description=props.get("Description"), path=props.get("Path"),
                             policy_document=_doc(props.get("PolicyDocument")),
                             policy_name=props.get("ManagedPolicyName", resource_name), tags=props.get("Tags", []))
    policy.cfn_attachments = _mp_attachments({})

    def attach() -> None:
        for key, kind in _ATTACH_KINDS.items():
            for name in props.get(key, []):
                getattr(b, f"attach_{kind}_policy")(policy.arn, name)
                policy.cfn_attachments[key].append(name)

    _atomic(attach, lambda: _mp_delete(cls, policy.arn, cloudformation_json, account_id, region_name, force=True))
    return policy


def _mp_update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: dict,
               account_id: str, region_name: str) -> Any:
    props, old, b = cloudformation_json.get("Properties", {}), original_resource, _backend(account_id, region_name)
    if (props.get("ManagedPolicyName", old.name) != old.name or (props.get("Path") or "/") != old.path
            or (props.get("Description") or "") != old.description):  # replacement properties
        name = props.get("ManagedPolicyName", new_resource_name)
        new = _mp_create(cls, name, cloudformation_json, account_id, region_name)
        _mp_delete(cls, old.arn, cloudformation_json, account_id, region_name, force=True)
        return new
    document = _doc(props.get("PolicyDocument"))
    current = next(v for v in old.versions if v.version_id == old.default_version_id)
    if json.loads(current.document) != json.loads(document):
        for version in [v for v in old.versions if not v.is_default][: max(0, len(old.versions) - 4)]:
            b.delete_policy_version(old.arn, version.version_id)  # CFN prunes old versions itself
        b.create_policy_version(old.arn, document, True)
    owned, wanted = getattr(old, "cfn_attachments", _mp_attachments({})), _mp_attachments(props)
    for key, kind in _ATTACH_KINDS.items():
        attach, detach = getattr(b, f"attach_{kind}_policy"), getattr(b, f"detach_{kind}_policy")
        _sync_managed(lambda name: attach(old.arn, name), lambda name: detach(old.arn, name),
                      owned[key], wanted[key])
    old.cfn_attachments = wanted
    return old


def _mp_delete(cls: Any, resource_name: str, cloudformation_json: dict, account_id: str,
               region_name: str, force: bool = False) -> None:
    b = _backend(account_id, region_name)
    policy = b.managed_policies.get(resource_name)  # resource_name is the physical id, the ARN
    if policy is None:
        return
    owned = getattr(policy, "cfn_attachments", _mp_attachments({}))
    holders = [("group", g) for g in b.groups.values()] + [("user", u) for u in b.users.values()] \
        + [("role", r) for r in b.roles.values()]
    holders = [(kind, e) for kind, e in holders if policy.arn in e.managed_policies]
    foreign = [e.name for kind, e in holders if e.name not in owned[kind.capitalize() + "s"]]
    if foreign and not force:
        raise DeleteConflictException("Cannot delete a policy attached to entities.")
    for kind, entity in holders:
        getattr(b, f"detach_{kind}_policy")(policy.arn, entity.name)
    b.delete_policy(policy.arn)


iam.ManagedPolicy.create_from_cloudformation_json = classmethod(_mp_create)
iam.ManagedPolicy.update_from_cloudformation_json = classmethod(_mp_update)
iam.ManagedPolicy.delete_from_cloudformation_json = classmethod(_mp_delete)


# --- AWS::IAM::Role: ManagedPolicyArns, validated inline policies, real updates -------
_orig_role_create = iam.Role.create_from_cloudformation_json.__func__
_orig_role_delete = iam.Role.delete_from_cloudformation_json.__func__


def _role_apply(role: Any, props: dict, b: Any) -> None:
    role.cfn_arns = _sync_managed(lambda a: b.attach_role_policy(a, role.name),
                                  lambda a: b.detach_role_policy(a, role.name),
                                  getattr(role, "cfn_arns", []), props.get("ManagedPolicyArns", []))
    role.cfn_inline = _sync_inline(lambda n, d: b.put_role_policy(role.name, n, d),
                                   lambda n: b.delete_role_policy(role.name, n),
                                   getattr(role, "cfn_inline", []), props.get("Policies", []))


def _role_create(cls: Any, resource_name: str, cloudformation_json: dict, account_id: str,
                 region_name: str, **kwargs: Any) -> Any:
    props = cloudformation_json["Properties"]
    IAMTrustPolicyDocumentValidator(_doc(props["AssumeRolePolicyDocument"])).validate()
    role = _orig_role_create(cls, resource_name, {**cloudformation_json, "Properties": {**props, "Policies": []}},
                             account_id, region_name, **kwargs)
    b = _backend(account_id, region_name)
    _atomic(lambda: _role_apply(role, props, b), lambda: _role_delete(cls, role.name, cloudformation_json,
                                                                       account_id, region_name, force=True))
    return role


def _role_update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: dict,
                 account_id: str, region_name: str) -> Any:
    props, role, b = cloudformation_json["Properties"], original_resource, _backend(account_id, region_name)
    if props.get("RoleName", role.name) != role.name or props.get("Path", "/") != role.path:  # replacement
        new = _role_create(cls, props.get("RoleName", new_resource_name), cloudformation_json, account_id, region_name)
        _role_delete(cls, role.name, cloudformation_json, account_id, region_name, force=True)
        return new
    b.update_assume_role_policy(role.name, _doc(props["AssumeRolePolicyDocument"]))
    role.description = props.get("Description", "")
    role.max_session_duration = props.get("MaxSessionDuration", 3600)
    _role_apply(role, props, b)
    return role


def _role_delete(cls: Any, resource_name: str, cloudformation_json: dict, account_id: str, region_name: str,
                 force: bool = False) -> None:
    b = _backend(account_id, region_name)
    role = next((r for r in b.roles.values() if r.name == resource_name), None)
    if role is not None:
        _role_apply(role, {}, b)  # foreign attachments still make moto's delete_role refuse
        for arn in list(role.managed_policies) if force else []:
            b.detach_role_policy(arn, role.name)
    _orig_role_delete(cls, resource_name, cloudformation_json, account_id, region_name)


iam.Role.create_from_cloudformation_json = classmethod(_role_create)
iam.Role.update_from_cloudformation_json = classmethod(_role_update)
iam.Role.delete_from_cloudformation_json = classmethod(_role_delete)


# --- stack updates: re-evaluate dependents, dependency order, keep unsupported ones -----
_IAM_TYPES = {"AWS::IAM::Group", "AWS::IAM::ManagedPolicy", "AWS::IAM::Role", "AWS::IAM::Policy"}


def _deps(node: Any) -> set:
    """Logical ids a template fragment refers to (Ref, GetAtt, Sub, DependsOn)."""
    out: set = set()
    if isinstance(node, list):
        for item in node:
            out |= _deps(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                out.add(value)
            elif key == "Fn::GetAtt":
                out.add(value[0] if isinstance(value, list) else str(value).split(".")[0])
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                out |= {m.split(".")[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", text)}
            elif key == "DependsOn":
                out |= {value} if isinstance(value, str) else set(value)
            out |= _deps(value)
    return out


_orig_diff = parsing.ResourceMap.build_resource_diff


def _build_resource_diff(self: Any, other_template: dict, parameters: Any = None) -> dict:
    diff = _orig_diff(self, other_template, parameters)
    new = other_template.get("Resources", {})
    deps = {name: _deps(resource) for name, resource in new.items()}
    changed = set(diff["Modify"])
    grew = True
    while grew:  # transitive closure over IAM resources that point at a changed resource
        grew = False
        for name, resource in new.items():
            if (name not in changed and name in self._resource_json_map
                    and resource.get("Type") in _IAM_TYPES and deps[name] & changed):
                changed.add(name)
                grew = True
    ordered: list = []  # dependencies first, so Refs resolve to the updated resources
    seen: set = set()

    def visit(name: str) -> None:
        if name not in seen:
            seen.add(name)
            for dep in sorted(deps.get(name, set()) & changed):
                visit(dep)
            ordered.append(name)

    for name in [n for n in new if n in changed]:
        visit(name)
    diff["Modify"] = ordered
    return diff


parsing.ResourceMap.build_resource_diff = _build_resource_diff
_orig_parse_and_update = parsing.parse_and_update_resource


def _parse_and_update_resource(logical_id: str, resource_json: dict, resources_map: Any,
                               account_id: str, region_name: str) -> Any:
    # moto stores None for types without update support, breaking every later Ref/GetAtt;
    # keep the old resource instead (the change itself is not applied).
    updated = _orig_parse_and_update(logical_id, resource_json, resources_map, account_id, region_name)
    return updated if updated is not None else resources_map._parsed_resources.get(logical_id)


parsing.parse_and_update_resource = _parse_and_update_resource


# --- AWS-managed policies, cheaply ------------------------------------------------------
# moto re-parses 1,485 policies for each of its 6 IAM partition backends on every
# /moto-api/reset (0.7 s). Parse once, and only for the "aws" partition.
_aws_policy_data: dict = {}


def _init_aws_policies(self: Any) -> list:
    if self.partition != "aws" or os.environ.get("MOTO_IAM_LOAD_MANAGED_POLICIES", "").lower() != "true":
        return []
    if not _aws_policy_data:
        from moto.iam.aws_managed_policies import aws_managed_policies_data
        _aws_policy_data.update(json.loads(aws_managed_policies_data))
    return [iam.AWSManagedPolicy.from_data(name, self.account_id, self.region_name, data)
            for name, data in _aws_policy_data.items()]


iam.IAMBackend._init_aws_policies = _init_aws_policies


# --- IAM quotas -----------------------------------------------------------------------
def _size(document: str) -> int:
    return len(re.sub(r"\s", "", document))  # IAM does not count whitespace


def _install_quotas(b_cls: Any) -> None:
    orig = {n: getattr(b_cls, n) for n in ("create_policy", "create_policy_version", "put_group_policy",
                                           "put_role_policy", "attach_group_policy", "attach_role_policy",
                                           "attach_user_policy")}

    def check_managed(document: str) -> None:
        if _size(document) > 6144:
            raise LimitExceededException("Cannot exceed quota for PolicySize: 6144")

    def check_inline(entity: Any, kind: str, name: str, document: str, limit: int) -> None:
        total = _size(document) + sum(_size(_doc(d)) for n, d in entity.policies.items() if n != name)
        if total > limit:
            raise LimitExceededException(f"Maximum policy size of {limit} bytes exceeded for {kind} {entity.name}")

    def check_count(entity: Any, kind: str, arn: str) -> None:
        if arn not in entity.managed_policies and len(entity.managed_policies) >= 10:
            raise LimitExceededException(f"Cannot exceed quota for PoliciesPer{kind}: 10")

    def create_policy(self: Any, description: Any, path: Any, policy_document: str, *a: Any, **k: Any) -> Any:
        check_managed(policy_document)
        return orig["create_policy"](self, description, path, policy_document, *a, **k)

    def create_policy_version(self: Any, policy_arn: str, policy_document: str, *a: Any, **k: Any) -> Any:
        check_managed(policy_document)
        return orig["create_policy_version"](self, policy_arn, policy_document, *a, **k)

    def put_group_policy(self: Any, group_name: str, policy_name: str, policy_json: str) -> None:
        check_inline(self.get_group(group_name), "group", policy_name, policy_json, 5120)
        orig["put_group_policy"](self, group_name, policy_name, policy_json)

    def put_role_policy(self: Any, role_name: str, policy_name: str, policy_json: str) -> None:
        check_inline(self.get_role(role_name), "role", policy_name, policy_json, 10240)
        orig["put_role_policy"](self, role_name, policy_name, policy_json)

    def attach(kind: str, getter: str) -> Any:
        def attach_policy(self: Any, policy_arn: str, *args: Any, **kwargs: Any) -> None:
            name = args[0] if args else kwargs[f"{kind.lower()}_name"]  # moto calls it both ways
            check_count(getattr(self, getter)(name), kind, policy_arn)
            orig[f"attach_{kind.lower()}_policy"](self, policy_arn, name)
        return attach_policy

    b_cls.create_policy, b_cls.create_policy_version = create_policy, create_policy_version
    b_cls.put_group_policy, b_cls.put_role_policy = put_group_policy, put_role_policy
    b_cls.attach_group_policy = attach("Group", "get_group")
    b_cls.attach_role_policy = attach("Role", "get_role")
    b_cls.attach_user_policy = attach("User", "get_user")


if os.environ.get("MOTO_EXT_IAM_QUOTAS", "1") != "0":
    _install_quotas(iam.IAMBackend)


# --- AWS::SSM::Parameter without Name: CloudFormation generates one --------------------
# [moto passed Name=None to put_parameter: "'NoneType' object has no attribute 'lower'"]
from moto.cloudformation.utils import random_suffix  # noqa: E402
from moto.ssm import models as ssm_models  # noqa: E402

_orig_ssm_parameter_create = ssm_models.Parameter.create_from_cloudformation_json.__func__


def _ssm_parameter_create(cls: Any, resource_name: str, cloudformation_json: dict, account_id: str,
                          region_name: str, **kwargs: Any) -> Any:
    props = dict(cloudformation_json.get("Properties") or {})
    if not props.get("Name"):
        props["Name"] = f"CFN-{kwargs.get('LogicalId', 'Parameter')}-{random_suffix()}"
    if isinstance(props.get("Tags"), dict):  # a JSON map in CloudFormation, a list in the API
        props["Tags"] = [{"Key": k, "Value": v} for k, v in props["Tags"].items()]
    return _orig_ssm_parameter_create(cls, resource_name, {**cloudformation_json, "Properties": props}, account_id,
                                      region_name, **kwargs)


ssm_models.Parameter.create_from_cloudformation_json = classmethod(_ssm_parameter_create)


# --- AWS::KMS::Key Tags --------------------------------------------------------------------
# [moto handed CloudFormation's [{Key, Value}] to a tagger wanting TagKey/TagValue: KeyError,
#  which ResourceMap.get turned into "Fn::GetAtt references undefined resource"]
from moto.kms import models as kms_models  # noqa: E402

_orig_kms_key_create = kms_models.Key.create_from_cloudformation_json.__func__


def _kms_key_create(cls: Any, resource_name: str, cloudformation_json: dict, account_id: str, region_name: str,
                    **kwargs: Any) -> Any:
    props = dict(cloudformation_json.get("Properties") or {})
    props["Tags"] = [{"TagKey": t["Key"], "TagValue": t["Value"]} for t in props.get("Tags") or []]
    return _orig_kms_key_create(cls, resource_name, {**cloudformation_json, "Properties": props}, account_id,
                                region_name, **kwargs)


kms_models.Key.create_from_cloudformation_json = classmethod(_kms_key_create)


# --- AWS::SecretsManager::Secret ------------------------------------------------------
# [type unknown: silently skipped, Ref -> None, its Outputs missing]
from moto.secretsmanager import models as secrets_models  # noqa: E402


class CfnSecret(CloudFormationModel):
    __module__ = "moto.secretsmanager.cfn_secret_ext"  # see CfnIamGroup

    def __init__(self, arn: str, account_id: str, region_name: str):
        self.arn, self.account_id, self.region_name = arn, account_id, region_name

    @staticmethod
    def backend(account_id: str, region_name: str) -> Any:
        return secrets_models.secretsmanager_backends[account_id][region_name]

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SecretsManager::Secret"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Id"

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "Id":
            return self.arn
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
        raise UnformattedGetAttTemplateException()

    @property
    def physical_resource_id(self) -> str:
        return self.arn  # Ref gives the ARN

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict, account_id: str,
                                        region_name: str, **kwargs: Any) -> "CfnSecret":
        props = cloudformation_json.get("Properties") or {}
        value = props.get("SecretString")
        generate = props.get("GenerateSecretString")
        if value is None and generate is not None:
            password = uuid.uuid4().hex + uuid.uuid4().hex[: max(0, int(generate.get("PasswordLength", 32)) - 32)]
            key = generate.get("GenerateStringKey")
            value = json.dumps({**json.loads(generate.get("SecretStringTemplate") or "{}"), key: password}) if key else password
        created = json.loads(cls.backend(account_id, region_name).create_secret(
            name=props.get("Name", resource_name), secret_string=value, secret_binary=None,
            description=props.get("Description"), tags=props.get("Tags") or [], kms_key_id=props.get("KmsKeyId"),
            client_request_token=None, replica_regions=props.get("ReplicaRegions") or [], force_overwrite=False))
        return cls(created["ARN"], account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: "CfnSecret", new_resource_name: str,
                                        cloudformation_json: dict, account_id: str, region_name: str) -> "CfnSecret":
        props = cloudformation_json.get("Properties") or {}
        secret = cls.backend(account_id, region_name).secrets[original_resource.arn]
        if props.get("Name", secret.name) != secret.name:  # replacement
            new = cls.create_from_cloudformation_json(props["Name"], cloudformation_json, account_id, region_name)
            original_resource.delete(account_id, region_name)
            return new
        secret.description = props.get("Description")
        secret.kms_key_id = props.get("KmsKeyId")
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        try:
            self.backend(account_id, region_name).delete_secret(self.arn, None, True)
        except secrets_models.SecretNotFoundException:
            pass

    def is_created(self) -> bool:
        return True


# --- AWS::CloudWatch::Alarm, AWS::SNS::Subscription, AWS::IAM::UserToGroupAddition -----
# [types unknown: silently skipped (no alarm, no subscription, no group member), stack
#  CREATE_COMPLETE all the same]. Updates replace them: delete, then create.
from moto.cloudwatch import models as cloudwatch_models  # noqa: E402
from moto.sns import models as sns_models  # noqa: E402


class _ReplaceOnUpdate:
    """Shared life cycle; subclasses implement _create (returns the physical id) and _delete."""
    ATTRIBUTES: dict = {}

    def __init__(self, physical_id: str, props: dict, account_id: str, region_name: str):
        self.physical_id, self.props, self.account_id, self.region_name = physical_id, props, account_id, region_name

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name in self.ATTRIBUTES:
            return self.ATTRIBUTES[attribute_name](self)
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
        raise UnformattedGetAttTemplateException()

    @property
    def physical_resource_id(self) -> str:
        return self.physical_id

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict, account_id: str,
                                        region_name: str, **kwargs: Any) -> Any:
        props = cloudformation_json.get("Properties") or {}
        return cls(cls._create(resource_name, props, account_id, region_name), props, account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str,
                                        cloudformation_json: dict, account_id: str, region_name: str) -> Any:
        original_resource.delete(account_id, region_name)
        name = (cloudformation_json.get("Properties") or {}).get(cls.cloudformation_name_type() or "-",
                                                                    original_resource.physical_id)
        return cls.create_from_cloudformation_json(name, cloudformation_json, account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        self._delete()

    def is_created(self) -> bool:
        return True


class CfnAlarm(_ReplaceOnUpdate, CloudFormationModel):
    __module__ = "moto.cloudwatch.cfn_alarm_ext"  # see CfnIamGroup
    ATTRIBUTES = {"Arn": lambda self: f"arn:aws:cloudwatch:{self.region_name}:{self.account_id}:alarm:{self.physical_id}"}

    @staticmethod
    def cloudformation_name_type() -> str:
        return "AlarmName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudWatch::Alarm"

    @staticmethod
    def _create(name: str, p: dict, account_id: str, region_name: str) -> str:
        number = lambda key, kind: None if p.get(key) is None else kind(p[key])  # noqa: E731
        cloudwatch_models.cloudwatch_backends[account_id][region_name].put_metric_alarm(
            name=name, namespace=p.get("Namespace"), metric_name=p.get("MetricName"),
            comparison_operator=p.get("ComparisonOperator"), evaluation_periods=number("EvaluationPeriods", int),
            period=number("Period", int), threshold=number("Threshold", float), statistic=p.get("Statistic"),
            description=p.get("AlarmDescription"), dimensions=p.get("Dimensions") or [],
            alarm_actions=p.get("AlarmActions") or [], datapoints_to_alarm=number("DatapointsToAlarm", int),
            extended_statistic=p.get("ExtendedStatistic"), ok_actions=p.get("OKActions") or [],
            insufficient_data_actions=p.get("InsufficientDataActions") or [], unit=p.get("Unit"),
            actions_enabled=str(p.get("ActionsEnabled", True)).lower() != "false",
            treat_missing_data=p.get("TreatMissingData"),
            evaluate_low_sample_count_percentile=p.get("EvaluateLowSampleCountPercentile"),
            threshold_metric_id=p.get("ThresholdMetricId"), tags=p.get("Tags") or [])
        return name

    def _delete(self) -> None:
        cloudwatch_models.cloudwatch_backends[self.account_id][self.region_name].delete_alarms([self.physical_id])


class CfnSnsSubscription(_ReplaceOnUpdate, CloudFormationModel):
    __module__ = "moto.sns.cfn_subscription_ext"  # see CfnIamGroup

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SNS::Subscription"

    @staticmethod
    def _create(name: str, p: dict, account_id: str, region_name: str) -> str:
        region = p.get("Region") or p["TopicArn"].split(":")[3]
        return sns_models.sns_backends[account_id][region].subscribe(p["TopicArn"], p.get("Endpoint"), p["Protocol"]).arn

    def _delete(self) -> None:
        region = self.physical_id.split(":")[3]
        sns_models.sns_backends[self.account_id][region].unsubscribe(self.physical_id)


class CfnUserToGroupAddition(_ReplaceOnUpdate, CloudFormationModel):
    __module__ = "moto.iam.cfn_user_to_group_ext"  # see CfnIamGroup

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::IAM::UserToGroupAddition"

    @staticmethod
    def _create(name: str, p: dict, account_id: str, region_name: str) -> str:
        b = _backend(account_id, region_name)
        added: list = []
        _atomic(lambda: [b.add_user_to_group(p["GroupName"], user) or added.append(user) for user in p.get("Users", [])],
                lambda: [_quiet(b.remove_user_from_group, p["GroupName"], user) for user in added])
        return name

    def _delete(self) -> None:
        b = _backend(self.account_id, self.region_name)
        for user in self.props.get("Users", []):
            _quiet(b.remove_user_from_group, self.props["GroupName"], user)


class CfnOidcProvider(_ReplaceOnUpdate, CloudFormationModel):
    """AWS::IAM::OIDCProvider (the Roles property's CreateProvider): Ref and GetAtt Arn = the provider ARN."""
    __module__ = "moto.iam.cfn_oidc_provider_ext"  # see CfnIamGroup
    ATTRIBUTES = {"Arn": lambda self: self.physical_id}

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::IAM::OIDCProvider"

    @staticmethod
    def _create(name: str, p: dict, account_id: str, region_name: str) -> str:
        # IAM refuses a second provider for one URL (EntityAlreadyExists), and so does moto
        return _backend(account_id, region_name).create_open_id_connect_provider(
            p["Url"], p.get("ThumbprintList", []), p.get("ClientIdList", []), p.get("Tags", [])).arn

    def _delete(self) -> None:
        _backend(self.account_id, self.region_name).delete_open_id_connect_provider(self.physical_id)


class CfnSsoPermissionSet(_ReplaceOnUpdate, CloudFormationModel):
    """AWS::SSO::PermissionSet with CustomerManagedPolicyReferences (examples/sso-permission-set.yaml);
    GetAtt PermissionSetArn. Like IAM Identity Center, it does not look for the referenced policies until the
    set is provisioned into an account."""
    __module__ = "moto.ssoadmin.cfn_permission_set_ext"  # see CfnIamGroup
    ATTRIBUTES = {"PermissionSetArn": lambda self: self.physical_id}

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SSO::PermissionSet"

    @staticmethod
    def _create(name: str, p: dict, account_id: str, region_name: str) -> str:
        from moto.ssoadmin.models import ssoadmin_backends
        b = ssoadmin_backends[account_id][region_name]
        ps = b.create_permission_set(p["Name"], p.get("Description", ""), p["InstanceArn"], p.get("SessionDuration", "PT1H"),
                                     p.get("RelayStateType", ""), p.get("Tags", []))
        arn = ps["PermissionSetArn"]
        _atomic(lambda: [b.attach_customer_managed_policy_reference_to_permission_set(p["InstanceArn"], arn, ref)
                         for ref in p.get("CustomerManagedPolicyReferences", [])],
                lambda: b.delete_permission_set(p["InstanceArn"], arn))
        return arn

    def _delete(self) -> None:
        from moto.ssoadmin.models import ssoadmin_backends
        _quiet(ssoadmin_backends[self.account_id][self.region_name].delete_permission_set, self.props["InstanceArn"], self.physical_id)


# --- CreateStack/DeleteStack failures end in a status, like AWS ------------------------
# moto runs everything inside the API call: a failing resource made CreateStack itself
# return the error and left the stack CREATE_IN_PROGRESS with its partial resources; a
# failing delete made the stack vanish while its exports stayed. Here the call succeeds
# and the stack ends ROLLBACK_COMPLETE / DELETE_FAILED, with the error as the reason of a
# stack-level CREATE_FAILED / DELETE_FAILED event (DescribeStacks has no StatusReason).
_orig_create_stack = cfn_models.CloudFormationBackend.create_stack
_orig_delete_stack = cfn_models.CloudFormationBackend.delete_stack


def _create_stack(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    before = set(self.stacks)
    try:
        return _orig_create_stack(self, name, *args, **kwargs)
    except Exception as error:
        stack = next((s for sid, s in self.stacks.items() if sid not in before), None)
        if stack is None:
            raise  # rejected before a stack existed (validation): synchronous, as on AWS
        stack._add_stack_event("CREATE_FAILED", resource_status_reason=str(error))
        for export in [e for e in self.exports.values() if e.exporting_stack_id == stack.stack_id]:
            self.exports.pop(export.name)
        try:
            stack.resource_map.delete()
            stack.status = "ROLLBACK_COMPLETE"
        except Exception:
            stack.status = "ROLLBACK_FAILED"
        stack._add_stack_event(stack.status)
        return stack


def _delete_stack(self: Any, name_or_stack_id: str) -> None:
    stack = next((s for s in self.stacks.values() if name_or_stack_id in (s.name, s.stack_id)), None)
    try:
        _orig_delete_stack(self, name_or_stack_id)
    except Exception as error:
        if stack is None:
            raise
        self.stacks[stack.stack_id] = stack  # moto popped it before deleting resources
        stack.status = "DELETE_FAILED"
        stack._add_stack_event("DELETE_FAILED", resource_status_reason=str(error))


cfn_models.CloudFormationBackend.create_stack = _create_stack
cfn_models.CloudFormationBackend.delete_stack = _delete_stack


# --- Outputs/Exports after UpdateStack and ExecuteChangeSet ----------------------------
# moto kept the Outputs of the previous template (none at all for a stack created through
# a change set, which is how osls deploys) and never (re)registered Exports after either.
def _refresh_outputs(backend: Any, stack: Any) -> None:
    stack._parse_template()
    stack.output_map = stack._create_output_map()
    for name in [n for n, e in backend.exports.items() if e.exporting_stack_id == stack.stack_id]:
        backend.exports.pop(name)
    backend._validate_export_uniqueness(stack)
    for export in stack.exports:
        backend.exports[export.name] = export


_orig_update_stack = cfn_models.CloudFormationBackend.update_stack
_orig_execute_change_set = cfn_models.CloudFormationBackend.execute_change_set


def _update_stack(self: Any, *args: Any, **kwargs: Any) -> Any:
    stack = _orig_update_stack(self, *args, **kwargs)
    _refresh_outputs(self, stack)
    return stack


def _execute_change_set(self: Any, change_set_name: str, stack_name: Any = None) -> None:
    change_set = self.describe_change_set(change_set_name)
    _orig_execute_change_set(self, change_set_name, stack_name)
    _refresh_outputs(self, change_set.stack)


def _exports(self: Any) -> list:
    # moto exported outputs whose Condition is false (HTTP 500 on a GetAtt of a skipped resource)
    return [parsing.Export(self._stack_id, parsing.clean_json(self._output_json_map[key]["Export"].get("Name"),
                                                              self._resource_map), self[key].value)
            for key in self.outputs if self._output_json_map[key].get("Export") and self[key] is not None]


def _stack_outputs(self: Any) -> Any:
    # moto found an output's ExportName by *value*, so two outputs with equal values got the same name
    if self.status.startswith(("ROLLBACK", "DELETE")):
        return None  # also: evaluating them would lazily re-create the deleted resources
    exports = {e.name: e for e in self.exports}
    names = {key: parsing.clean_json(self.output_map._output_json_map[key]["Export"].get("Name"), self.resource_map)
             for key in self.output_map.outputs if self.output_map._output_json_map[key].get("Export")}
    outputs = [{"OutputKey": o.key, "OutputValue": o.value, "Description": o.description,
                "ExportName": names.get(o.key) if names.get(o.key) in exports else None}
               for o in (self.output_map[k] for k in self.output_map.outputs) if o]
    return outputs or None


parsing.OutputMap.exports = property(_exports)
cfn_models.Stack.outputs = property(_stack_outputs)
cfn_models.CloudFormationBackend.update_stack = _update_stack
cfn_models.CloudFormationBackend.execute_change_set = _execute_change_set


# --- from sls-traces/tools/moto_lenient.py ---------------------------------------------
_orig_validate = cfn_models.CloudFormationBackend.validate_template


def _validate_template(self: Any, template: str) -> list:
    # AWS only rejects errors; moto rejects on any cfn-lint match (e.g. W3005 in osls output)
    return [m for m in _orig_validate(self, template) if str(getattr(m.rule, "id", "E"))[0] == "E"]


cfn_models.CloudFormationBackend.validate_template = _validate_template
# (reads the created resources only: going through the lazy map would re-create deleted ones)
cfn_models.Stack.stack_resources = property(
    lambda self: [r for k, r in self.resource_map._parsed_resources.items()
                  if k in self.resource_map.resources and r is not None and hasattr(r, "logical_resource_id")])


def _update_termination_protection(self: Any) -> ActionResult:
    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    stack.enable_termination_protection = str(self._get_param("EnableTerminationProtection")).lower() == "true"
    return ActionResult({"StackId": stack.stack_id})


cfn_responses.CloudFormationResponse.update_termination_protection = _update_termination_protection

# --- Custom:: resources: Lambda-backed, emulated without Docker -----------------------
# moto 5.2.1 hands a Custom:: resource to a Docker container (absent here: CreateStack
# returned HTTP 500). Here CloudFormation's side of the contract is played in-process and
# the Lambda's side by a real `node` process running the function's own code:
#   * the ServiceToken must be the ARN of a Lambda function that exists in moto, in the
#     stack's region; its code is the function's zip (extracted; Handler `file.export`,
#     nodejs* runtimes) unless a test registered a file for that ARN (POST
#     /moto-api/ext/lambda-code {"FunctionArn", "Path", "Handler"?}; "Path": null removes);
#   * each request (Create, Update, Delete) gets a fresh one-shot HTTP server on 127.0.0.1
#     standing in for the presigned S3 ResponseURL (a PUT to exactly that path and query
#     string is accepted, anything else gets S3's 403), and the real event: RequestType,
#     ServiceToken, ResponseURL, StackId, RequestId, LogicalResourceId, ResourceType,
#     ResourceProperties (scalars as strings, as CloudFormation sends them), plus
#     PhysicalResourceId and OldResourceProperties where CloudFormation sends them;
#   * node gets the Lambda environment (AWS_ENDPOINT_URL = this server, AWS_REGION, dummy
#     credentials, AWS_LAMBDA_*, the function's Variables; the AWS SDK v3 from NODE_PATH,
#     as the nodejs runtime ships it: MOTO_EXT_LAMBDA_NODE_PATH or the repo's node_modules)
#     and a context with getRemainingTimeInMillis counting down the function's Timeout;
#     the process is killed at the timeout. An async handler's invocation ends when its
#     promise settles (the process exits then, as Lambda freezes it);
#   * a function error (exit != 0, timeout) without an answer is retried twice, as Lambda
#     retries the asynchronous invocation CloudFormation makes;
#   * SUCCESS: PhysicalResourceId is the Ref value and Data the Fn::GetAtt attributes;
#     FAILED, an invalid answer, several answers, or none: the operation fails with
#     "Received response status [FAILED] from custom resource. Message returned: <Reason>"
#     (or the reason the answer was rejected), so CreateStack rolls back (and the rollback
#     sends Delete for the failed resource, with the PhysicalResourceId it answered);
#   * Update only when the resolved properties changed (a changed ServiceToken is refused);
#     a new PhysicalResourceId is a replacement: the old one gets its Delete after the
#     stack update succeeded; Delete waits until the stack's resources that refer to the
#     custom resource are gone (CloudFormation's reverse dependency order);
#   * a Delete that fails leaves the stack DELETE_FAILED; DeleteStack RetainResources then
#     skips it, as on AWS. No answer at all (e.g. the function was deleted) fails at once
#     here, where AWS waits for the resource's ServiceTimeout (3,600 s by default) first;
#   * GET /moto-api/ext/custom-resources lists every request: event, attempts (exit code,
#     duration, log tails) and the answers received. /moto-api/reset clears it.
# Not emulated: the runtime version (the machine's `node` runs, whatever Runtime says),
# SNS ServiceTokens, an https ResponseURL (handlers that insist on https cannot answer),
# Lambda permissions, UPDATE_ROLLBACK (a failed update fails UpdateStack, as elsewhere in
# moto). A launcher that patches moto's CustomModel after loading this file (as
# scripts/lib/prove/moto_prove_ext.py does) keeps its own behaviour.
CUSTOM_RESOURCE_TYPE = "AWS::CloudFormation::CustomResource"
_LAMBDA_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]+)(:[A-Za-z0-9$_-]+)?$")
_CODE_OVERRIDES: dict = {}  # function ARN -> {"path": file, "export": name}
_INVOCATIONS: list = []  # newest last
_CODE_DIRS: dict = {}  # sha256 of a zip -> extracted directory
_STATE_LOCK = threading.Lock()
_PENDING_CLEANUP: dict = {}  # stack id -> [callable], Deletes of replaced custom resources
_FAILED_UPDATES: dict = {}  # id(resource) -> (properties json, exception), within one stack update
_RUNNER = r"""
const fs = require('fs');
const { pathToFileURL } = require('url');
const [file, exportName] = process.argv.slice(1);
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const deadline = Date.now() + input.timeoutMs;
let settled = false;
function finish(error) {
  if (settled) return;
  settled = true;
  if (error !== undefined && error !== null) {
    const e = error instanceof Error ? error : new Error(typeof error === 'string' ? error : JSON.stringify(error));
    process.stderr.write(JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: String(e.stack || '').split('\n') }) + '\n');
    process.exit(1);
  }
  process.exit(0);
}
const context = {
  functionName: input.functionName, functionVersion: '$LATEST', invokedFunctionArn: input.functionArn,
  memoryLimitInMB: String(input.memoryMb), awsRequestId: input.awsRequestId, logGroupName: input.logGroupName,
  logStreamName: input.logStreamName, callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done: (e) => finish(e), succeed: () => finish(), fail: (e) => finish(e || new Error('context.fail')),
};
function callback(e) {
  if (e !== undefined && e !== null) return finish(e);
  if (!context.callbackWaitsForEmptyEventLoop) finish();
  else settled = true; // the process ends when its event loop is empty, as the runtime waits for it
}
(async () => {
  let mod;
  try {
    mod = require(file);
  } catch (e) {
    if (e && e.code === 'ERR_REQUIRE_ESM') mod = await import(pathToFileURL(file).href);
    else throw e;
  }
  const fn = mod && mod[exportName];
  if (typeof fn !== 'function') {
    throw Object.assign(new Error(`${input.handler} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  }
  const result = fn(input.event, context, callback);
  if (result && typeof result.then === 'function') result.then(() => finish(), (e) => finish(e === undefined ? new Error('rejected') : e));
})().catch((e) => finish(e));
"""


class _CustomResourceFailure(Exception):
    """A custom-resource operation failed; str() is the reason CloudFormation shows."""


class _DependentsRemain(Exception):
    """Delete waits: resources of the stack that refer to this one still exist."""


def _stringify(value: Any) -> Any:
    # CloudFormation passes every scalar property value to the provider as a string
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return [_stringify(v) for v in value]
    if isinstance(value, dict):
        return {k: _stringify(v) for k, v in value.items()}
    return value


def _tail(data: bytes, limit: int = 4000) -> str:
    text = data.decode("utf-8", "replace")
    return text if len(text) <= limit else "..." + text[-limit:]


def _node_path() -> str:
    configured = os.environ.get("MOTO_EXT_LAMBDA_NODE_PATH")
    if configured:
        return configured
    repo_modules = Path(__file__).resolve().parents[2] / "node_modules"
    return str(repo_modules) if repo_modules.is_dir() else ""


def _code_root() -> Path:
    """Where function code is extracted (moto.ts runs us in a temp dir it removes). Its node_modules is the
    runtime's SDK, found by require() and import() alike, after any node_modules the code brings itself."""
    root = Path(os.getcwd()) / "lambda-code"
    root.mkdir(exist_ok=True)
    sdk, link = _node_path(), root / "node_modules"
    if sdk and not os.path.lexists(link):
        link.symlink_to(sdk, target_is_directory=True)
    return root


def _handler_file(task_root: Path, handler: str) -> tuple:
    module, _, export = (handler or "").rpartition(".")
    if not module or not export:
        raise _CustomResourceFailure(f"Lambda Handler '{handler}' is not <file>.<export>")
    for suffix in (".js", ".cjs", ".mjs"):
        candidate = task_root / (module + suffix)
        if candidate.is_file():
            return str(candidate), export
    raise _CustomResourceFailure(f"Runtime.ImportModuleError: Cannot find module '{module}' (Handler {handler}) in the function's code")


def _function_code(fn: Any) -> tuple:
    """(file, export, task root) of the code the function runs."""
    override = _CODE_OVERRIDES.get(fn.function_arn)
    if override:
        path = Path(override["path"]).resolve()
        return str(path), override["export"], str(path.parent)
    if not str(fn.run_time or "").startswith("nodejs"):
        raise _CustomResourceFailure(
            f"the moto Custom:: emulation runs nodejs functions only; {fn.function_name} has runtime {fn.run_time}")
    code = getattr(fn, "code_bytes", None)
    if not code:
        raise _CustomResourceFailure(f"function {fn.function_name} has no code zip")
    digest = hashlib.sha256(code).hexdigest()
    with _STATE_LOCK:
        root = _CODE_DIRS.get(digest)
        if root is None or not Path(root).is_dir():
            root = _code_root() / digest[:16]
            shutil.rmtree(root, ignore_errors=True)
            try:
                zipfile.ZipFile(io.BytesIO(code)).extractall(root)
            except zipfile.BadZipFile:
                raise _CustomResourceFailure(f"the code of function {fn.function_name} is not a zip file")
            _CODE_DIRS[digest] = root = str(root)
    file, export = _handler_file(Path(root), fn.handler)
    return file, export, root


class _ResponseSink:
    """The presigned ResponseURL: a one-shot S3 stand-in that records every PUT."""

    def __init__(self, region: str, stack_id: str, logical_id: str, request_id: str):
        sink = self
        self.bodies: list = []
        self.rejected: list = []
        now = datetime.now(timezone.utc)
        self.path = (f"/cloudformation-custom-resource-response-{region.replace('-', '')}/"
                     f"{quote(stack_id, safe='')}%7C{logical_id}%7C{request_id}")
        self.query = (f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={now:%Y%m%dT%H%M%SZ}&X-Amz-SignedHeaders=host"
                      f"&X-Amz-Expires=7199&X-Amz-Credential=AKIAEMULATEDCFN00000%2F{now:%Y%m%d}%2F{region}%2Fs3%2Faws4_request"
                      f"&X-Amz-Signature={hashlib.sha256(request_id.encode()).hexdigest()}")

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: bytes = b"") -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Content-Type", "application/xml")
                self.end_headers()
                self.wfile.write(body)

            def do_PUT(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = urlsplit(self.path)
                if unquote(parts.path) != unquote(sink.path) or parse_qs(parts.query) != parse_qs(sink.query):
                    sink.rejected.append(self.path)
                    self._answer(403, b"<Error><Code>SignatureDoesNotMatch</Code></Error>")
                    return
                sink.bodies.append(body)
                self._answer(200)

            def do_GET(self) -> None:
                self._answer(405, b"<Error><Code>MethodNotAllowed</Code></Error>")

            do_POST = do_DELETE = do_HEAD = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{self.path}?{self.query}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _run_node(fn: Any, file: str, export: str, task_root: str, event: dict, timeout_s: float) -> dict:
    node = shutil.which("node")
    if not node:
        raise _CustomResourceFailure("the moto Custom:: emulation needs `node` on PATH")
    request_id = str(uuid.uuid4())
    stream = f"{datetime.now(timezone.utc):%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}"
    env = {
        "PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), "TZ": "UTC", "LANG": "en_US.UTF-8",
        "NODE_PATH": _node_path(), "LAMBDA_TASK_ROOT": task_root, "AWS_EXECUTION_ENV": f"AWS_Lambda_{fn.run_time}",
        "AWS_LAMBDA_FUNCTION_NAME": fn.function_name, "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory_size), "AWS_LAMBDA_LOG_GROUP_NAME": fn.logs_group_name,
        "AWS_LAMBDA_LOG_STREAM_NAME": stream, "AWS_REGION": fn.region, "AWS_DEFAULT_REGION": fn.region,
        "AWS_ACCESS_KEY_ID": "ASIAEMULATEDLAMBDA00", "AWS_SECRET_ACCESS_KEY": "emulated", "AWS_SESSION_TOKEN": "emulated",
    }
    env.update({k: str(v) for k, v in (fn.environment_vars or {}).items()})
    env["AWS_ENDPOINT_URL"] = _self_endpoint(sys.argv[1:])  # this server, never the real AWS
    payload = json.dumps({"event": event, "timeoutMs": int(timeout_s * 1000), "functionName": fn.function_name,
                          "functionArn": fn.function_arn, "memoryMb": fn.memory_size, "awsRequestId": request_id,
                          "logGroupName": fn.logs_group_name, "logStreamName": stream, "handler": fn.handler})
    started = time.time()
    proc = subprocess.Popen([node, "-e", _RUNNER, file, export], cwd=task_root, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    timed_out = False
    try:
        out, err = proc.communicate(payload.encode(), timeout=timeout_s + 0.5)  # + start-up
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
    return {"awsRequestId": request_id, "exitCode": proc.returncode, "timedOut": timed_out,
            "durationMs": int((time.time() - started) * 1000), "stdout": _tail(out), "stderr": _tail(err)}


def _record(entry: dict) -> None:
    with _STATE_LOCK:
        _INVOCATIONS.append(entry)
        del _INVOCATIONS[:-500]


def _invoke_custom_resource(account_id: str, region: str, event: dict, service_timeout: Any = None) -> dict:
    """Runs one custom-resource request; returns the SUCCESS body or raises _CustomResourceFailure."""
    entry: dict = {"Event": dict(event), "Attempts": [], "Responses": [], "Outcome": None}
    try:
        token = str(event.get("ServiceToken") or "")
        match = _LAMBDA_ARN.match(token)
        if not match:
            raise _CustomResourceFailure(
                f"Invalid service token {token!r}: the moto emulation supports Lambda function ARNs only")
        if match.group(1) != region or match.group(2) != account_id:
            raise _CustomResourceFailure(f"Invalid service token {token!r}: it must be a function of this stack's account and region ({account_id}, {region})")
        try:
            fn = lambda_backends[account_id][region].get_function(token)
        except Exception:
            raise _CustomResourceFailure(
                "CloudFormation did not receive a response from your Custom Resource. Please check your logs for "
                f"requestId [{event['RequestId']}]. (moto emulation: Lambda function {token} does not exist, so nothing "
                "answered; AWS reports this once the resource's ServiceTimeout, 3600 s by default, has passed.)")
        file, export, task_root = _function_code(fn)
        budget = 3600.0
        if service_timeout not in (None, ""):
            if not re.fullmatch(r"\d+", str(service_timeout)) or not 1 <= int(service_timeout) <= 3600:
                raise _CustomResourceFailure(f"ServiceTimeout {service_timeout!r} must be an integer from 1 to 3600")
            budget = float(service_timeout)
        deadline = time.time() + budget
        for attempt in range(3):  # the asynchronous invocation and Lambda's two retries
            sink = _ResponseSink(region, event["StackId"], event["LogicalResourceId"], event["RequestId"])
            try:
                run = _run_node(fn, file, export, task_root, {**event, "ResponseURL": sink.url},
                                max(0.1, min(float(fn.timeout), deadline - time.time())))
            finally:
                sink.close()
            run["RejectedPuts"] = sink.rejected
            entry["Attempts"].append(run)
            entry["Event"]["ResponseURL"] = sink.url
            entry["Responses"] += [b.decode("utf-8", "replace") for b in sink.bodies]
            if sink.bodies or (run["exitCode"] == 0 and not run["timedOut"]) or time.time() >= deadline:
                break
        return _judge(entry, event)
    except _CustomResourceFailure as failure:
        entry["Outcome"] = entry["Outcome"] or {"Status": "FAILED", "Reason": str(failure)}
        raise
    finally:
        _record(entry)


def _judge(entry: dict, event: dict) -> dict:
    """CloudFormation's reading of the answers: exactly one valid body, SUCCESS or FAILED."""
    bodies, last = entry["Responses"], entry["Attempts"][-1]
    if not bodies:
        why = ("timed out" if last["timedOut"] else f"exited with code {last['exitCode']}" if last["exitCode"] else
               "ended without answering")
        logs = (last["stderr"] or last["stdout"]).strip()[-600:]
        raise _CustomResourceFailure(
            "CloudFormation did not receive a response from your Custom Resource. Please check your logs for "
            f"requestId [{event['RequestId']}]. (moto emulation: {len(entry['Attempts'])} invocation(s); the last "
            f"{why}{'; rejected PUTs to ' + ', '.join(last['RejectedPuts']) if last['RejectedPuts'] else ''}"
            f"{'; log tail: ' + logs if logs else ''})")
    if len(bodies) > 1:
        raise _CustomResourceFailure(
            f"Custom resource answered the ResponseURL {len(bodies)} times for request {event['RequestId']}; the "
            "contract is exactly one answer (moto emulation: which one AWS reads is a race)")
    raw = bodies[0]
    if len(raw.encode("utf-8")) > 4096:
        raise _CustomResourceFailure("Response object is too long.")
    try:
        body = json.loads(raw)
    except ValueError:
        raise _CustomResourceFailure(f"Invalid response object: not JSON: {raw[:200]}")
    if not isinstance(body, dict) or body.get("Status") not in ("SUCCESS", "FAILED"):
        raise _CustomResourceFailure(f"Invalid response object: Status must be SUCCESS or FAILED: {raw[:300]}")
    for key in ("StackId", "RequestId", "LogicalResourceId"):
        if body.get(key) != event[key]:
            raise _CustomResourceFailure(f"Invalid response object: {key} {body.get(key)!r} does not match the request's {event[key]!r}")
    physical = body.get("PhysicalResourceId")
    if not isinstance(physical, str) or not physical or len(physical) > 1024:
        raise _CustomResourceFailure(f"Invalid PhysicalResourceId {physical!r}")
    data = body.get("Data") or {}
    if not isinstance(data, dict):
        raise _CustomResourceFailure(f"Invalid response object: Data must be an object: {raw[:300]}")
    if body["Status"] == "FAILED":
        entry["Outcome"] = {"Status": "FAILED", "Reason": body.get("Reason"), "PhysicalResourceId": physical}
        failure = _CustomResourceFailure(
            f"Received response status [FAILED] from custom resource. Message returned: {body.get('Reason') or '(none)'}")
        failure.physical_resource_id = physical  # type: ignore[attr-defined]
        raise failure
    entry["Outcome"] = {"Status": "SUCCESS", "PhysicalResourceId": physical, "Data": data}
    return body


def _resource_event(stack: Any, logical_id: str, physical_id: Any, resource_type: str, status: str,
                    reason: Any = None) -> None:
    stack.events.append(cfn_models.Event(stack_id=stack.stack_id, stack_name=stack.name, logical_resource_id=logical_id,
                                         physical_resource_id=physical_id, resource_type=resource_type,
                                         resource_status=status, resource_status_reason=reason,
                                         resource_properties=None))


class CfnCustomResource(CloudFormationModel):
    __module__ = "moto.cloudformation.custom_ext"  # see CfnIamGroup

    def __init__(self, stack: Any, logical_id: str, resource_type: str, properties: dict, physical_id: Any,
                 data: dict, account_id: str, region_name: str):
        self.stack, self.logical_id, self.resource_type = stack, logical_id, resource_type
        self.properties, self.physical_id, self.data = properties, physical_id, data
        self.account_id, self.region_name = account_id, region_name
        self.last_request_id: str = ""
        self.delete_failure: Any = None

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return CUSTOM_RESOURCE_TYPE

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True  # whatever the provider answers in Data

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name in self.data:
            return self.data[attribute_name]
        raise _CustomResourceFailure(
            f"CustomResource attribute error: Vendor response doesn't contain {attribute_name} attribute in object "
            f"{self.stack.stack_id}|{self.logical_id}|{self.last_request_id}")

    @property
    def physical_resource_id(self) -> Any:
        return self.physical_id

    def is_created(self) -> bool:
        return True

    def _event(self, request_type: str, properties: dict, **extra: Any) -> dict:
        self.last_request_id = str(uuid.uuid4())
        return {"RequestType": request_type, "ServiceToken": properties.get("ServiceToken"), "ResponseURL": "",
                "StackId": self.stack.stack_id, "RequestId": self.last_request_id,
                "LogicalResourceId": self.logical_id, "ResourceType": self.resource_type,
                "ResourceProperties": properties, **extra}

    def _request(self, request_type: str, properties: dict, **extra: Any) -> dict:
        return _invoke_custom_resource(self.account_id, self.region_name, self._event(request_type, properties, **extra),
                                       properties.get("ServiceTimeout"))

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict, account_id: str,
                                        region_name: str, **kwargs: Any) -> "CfnCustomResource":
        from moto.cloudformation import cloudformation_backends
        stack = cloudformation_backends[account_id][region_name].get_stack(kwargs["StackId"])
        logical_id, resource_type = kwargs["LogicalId"], kwargs["ResourceType"]
        props = _stringify(cloudformation_json.get("Properties") or {})
        resource = cls(stack, logical_id, resource_type, props, None, {}, account_id, region_name)
        resource.logical_resource_id, resource.cf_resource_type = logical_id, resource_type
        _resource_event(stack, logical_id, None, resource_type, "CREATE_IN_PROGRESS")
        if "ServiceToken" not in props:
            raise _CustomResourceFailure(f"Resource {logical_id}: ServiceToken is required")
        try:
            body = resource._request("Create", props)
        except _CustomResourceFailure as failure:
            physical = getattr(failure, "physical_resource_id", None)
            _resource_event(stack, logical_id, physical, resource_type, "CREATE_FAILED", str(failure))
            if physical:  # the rollback sends it a Delete, like CloudFormation
                resource.physical_id = physical
                stack.resource_map._parsed_resources[logical_id] = resource
            raise
        resource.physical_id, resource.data = body["PhysicalResourceId"], body.get("Data") or {}
        _resource_event(stack, logical_id, resource.physical_id, resource_type, "CREATE_COMPLETE")
        return resource

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: "CfnCustomResource", new_resource_name: str,
                                        cloudformation_json: dict, account_id: str,
                                        region_name: str) -> "CfnCustomResource":
        old = original_resource
        props = _stringify(cloudformation_json.get("Properties") or {})
        new_type = cloudformation_json.get("Type", old.resource_type)
        if props == old.properties and new_type == old.resource_type:
            return old  # CloudFormation sends nothing when the resolved properties are the same
        if props.get("ServiceToken") != old.properties.get("ServiceToken"):
            raise _CustomResourceFailure(f"Resource {old.logical_id}: Modifying service token is not allowed.")
        key = json.dumps([props, new_type], sort_keys=True)
        failed = _FAILED_UPDATES.get(id(old))
        if failed and failed[0] == key:
            raise failed[1]  # moto retries failed updates within one UpdateStack; CloudFormation asks once
        if new_type != old.resource_type:  # a new type is a replacement
            new = cls.create_from_cloudformation_json(old.logical_id, cloudformation_json, account_id, region_name,
                                                      StackId=old.stack.stack_id, LogicalId=old.logical_id,
                                                      ResourceType=new_type)
            _PENDING_CLEANUP.setdefault(old.stack.stack_id, []).append(old._cleanup)
            return new
        _resource_event(old.stack, old.logical_id, old.physical_id, old.resource_type, "UPDATE_IN_PROGRESS")
        try:
            body = old._request("Update", props, PhysicalResourceId=old.physical_id,
                                OldResourceProperties=old.properties)
        except _CustomResourceFailure as failure:
            _FAILED_UPDATES[id(old)] = (key, failure)
            _resource_event(old.stack, old.logical_id, old.physical_id, old.resource_type, "UPDATE_FAILED", str(failure))
            raise
        new = cls(old.stack, old.logical_id, old.resource_type, props, body["PhysicalResourceId"],
                  body.get("Data") or {}, account_id, region_name)
        new.last_request_id = old.last_request_id
        if new.physical_id != old.physical_id:  # replacement: the old one is deleted in the cleanup phase
            _PENDING_CLEANUP.setdefault(old.stack.stack_id, []).append(old._cleanup)
        _resource_event(old.stack, old.logical_id, new.physical_id, old.resource_type, "UPDATE_COMPLETE")
        return new

    def _cleanup(self) -> None:
        try:
            self._request("Delete", self.properties, PhysicalResourceId=self.physical_id)
            _resource_event(self.stack, self.logical_id, self.physical_id, self.resource_type, "DELETE_COMPLETE")
        except _CustomResourceFailure as failure:  # a failed cleanup does not fail the update
            _resource_event(self.stack, self.logical_id, self.physical_id, self.resource_type, "DELETE_FAILED",
                            str(failure))

    def delete(self, account_id: str, region_name: str) -> None:
        # NB: moto falls back to a silent no-op if this raises TypeError/AttributeError.
        if self.delete_failure is not None:
            raise self.delete_failure  # moto's delete loop retries; CloudFormation asked once
        _resource_event(self.stack, self.logical_id, self.physical_id, self.resource_type, "DELETE_IN_PROGRESS")
        try:
            self._request("Delete", self.properties, PhysicalResourceId=self.physical_id)
        except _CustomResourceFailure as failure:
            self.delete_failure = failure
            _resource_event(self.stack, self.logical_id, self.physical_id, self.resource_type, "DELETE_FAILED",
                            str(failure))
            raise
        _resource_event(self.stack, self.logical_id, self.physical_id, self.resource_type, "DELETE_COMPLETE")


_orig_resource_class_from_type = parsing.resource_class_from_type
_MOTO_CUSTOM_CREATE = parsing.CustomModel.create_from_cloudformation_json.__func__


def _resource_class_from_type(resource_type: str) -> Any:
    if resource_type.startswith("Custom::") or resource_type == CUSTOM_RESOURCE_TYPE:
        if parsing.CustomModel.create_from_cloudformation_json.__func__ is not _MOTO_CUSTOM_CREATE:
            # a launcher built on this one (scripts/lib/prove/moto_prove_ext.py) patched moto's
            # CustomModel itself after loading us: the later patch wins
            return parsing.CustomModel
        return CfnCustomResource
    return _orig_resource_class_from_type(resource_type)


parsing.resource_class_from_type = _resource_class_from_type


# --- stack deletion in reverse dependency order -----------------------------------------
# Stack deletion (and a failed create's rollback) as CloudFormation orders it: a resource
# waits while a resource that refers to it (Ref, GetAtt, Sub, DependsOn) is still there.
# [moto deleted in set order: a custom resource could lose its function first]
_orig_resource_map_delete = parsing.ResourceMap.delete
_orig_delete_resource = parsing.ResourceMap._delete_resource


def _resource_map_delete(self: Any) -> None:
    self._ext_deleting_stack = True
    try:
        _orig_resource_map_delete(self)
    finally:
        self._ext_deleting_stack = False


def _delete_resource_in_order(self: Any, parsed_resource: Any, resource_json: dict) -> None:
    logical_id = getattr(parsed_resource, "logical_resource_id", None)
    if getattr(self, "_ext_deleting_stack", False) and logical_id:
        waiting = [name for name, other in self._resource_json_map.items()
                   if name != logical_id and isinstance(other, dict) and other.get("DeletionPolicy") != "Retain"
                   and hasattr(self._parsed_resources.get(name), "logical_resource_id") and logical_id in _deps(other)]
        if waiting:
            raise _DependentsRemain(f"{logical_id} is still used by {', '.join(sorted(waiting))}")
    _orig_delete_resource(self, parsed_resource, resource_json)


parsing.ResourceMap.delete = _resource_map_delete
parsing.ResourceMap._delete_resource = _delete_resource_in_order

_prev_update_stack = cfn_models.CloudFormationBackend.update_stack
_prev_execute_change_set = cfn_models.CloudFormationBackend.execute_change_set
_prev_delete_stack = cfn_models.CloudFormationBackend.delete_stack


def _after_update(stack: Any) -> None:
    for cleanup in _PENDING_CLEANUP.pop(stack.stack_id, []):
        cleanup()


def _update_stack_ext(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    _FAILED_UPDATES.clear()
    stack = self.get_stack(name)
    _PENDING_CLEANUP.pop(stack.stack_id, None)
    try:
        result = _prev_update_stack(self, name, *args, **kwargs)
    except Exception:
        _PENDING_CLEANUP.pop(stack.stack_id, None)
        raise
    _after_update(result)
    return result


def _execute_change_set_ext(self: Any, change_set_name: str, stack_name: Any = None) -> None:
    _FAILED_UPDATES.clear()
    change_set = self.describe_change_set(change_set_name)
    _prev_execute_change_set(self, change_set_name, stack_name)
    _after_update(change_set.stack)


def _delete_stack_ext(self: Any, name_or_stack_id: str, retain_resources: Any = None) -> None:
    stack = next((s for s in self.stacks.values() if name_or_stack_id in (s.name, s.stack_id)), None)
    if stack is not None:
        parsed = stack.resource_map._parsed_resources
        for resource in list(parsed.values()):
            if isinstance(resource, CfnCustomResource):
                resource.delete_failure = None  # a new DeleteStack asks again
        if retain_resources:
            if stack.status != "DELETE_FAILED":
                from moto.cloudformation.exceptions import ValidationError
                raise ValidationError(message=f"Invalid operation on stack [{stack.stack_id}]: RetainResources can "
                                              "only be specified when the stack is in the DELETE_FAILED state")
            for logical_id in retain_resources:
                resource = parsed.pop(logical_id, None)
                if resource is not None:
                    _resource_event(stack, logical_id, getattr(resource, "physical_resource_id", None),
                                    getattr(resource, "cf_resource_type", ""), "DELETE_SKIPPED")
    _prev_delete_stack(self, name_or_stack_id)


def _delete_stack_response(self: Any) -> Any:
    from moto.core.responses import EmptyResult
    self.cloudformation_backend.delete_stack(self._get_param("StackName"), self._get_param("RetainResources", []))
    return EmptyResult()


cfn_models.CloudFormationBackend.update_stack = _update_stack_ext
cfn_models.CloudFormationBackend.execute_change_set = _execute_change_set_ext
cfn_models.CloudFormationBackend.delete_stack = _delete_stack_ext
cfn_responses.CloudFormationResponse.delete_stack = _delete_stack_response


def _ext_lambda_code(request: Any, full_url: str, headers: Any) -> tuple:
    if request.method != "POST":
        return 405, {}, json.dumps({"Error": "POST {FunctionArn, Path, Handler?}"})
    spec = json.loads(request.data or b"{}")
    arn, path = spec.get("FunctionArn"), spec.get("Path")
    if not isinstance(arn, str) or not _LAMBDA_ARN.match(arn):
        return 400, {}, json.dumps({"Error": "FunctionArn must be a Lambda function ARN"})
    with _STATE_LOCK:
        if path is None:
            _CODE_OVERRIDES.pop(arn, None)
        elif not Path(path).is_file():
            return 400, {}, json.dumps({"Error": f"Path {path} is not a file"})
        else:
            _CODE_OVERRIDES[arn] = {"path": path, "export": spec.get("Handler") or "handler"}
    return 200, {}, json.dumps({"status": "ok"})


def _ext_custom_resources(request: Any, full_url: str, headers: Any) -> tuple:
    with _STATE_LOCK:
        return 200, {"Content-Type": "application/json"}, json.dumps({"Invocations": _INVOCATIONS})


moto_api_urls.url_paths["{0}/moto-api/ext/lambda-code$"] = _ext_lambda_code
moto_api_urls.url_paths["{0}/moto-api/ext/custom-resources$"] = _ext_custom_resources
_orig_moto_api_reset = moto_api_models.MotoAPIBackend.reset


def _moto_api_reset(self: Any) -> None:
    _orig_moto_api_reset(self)
    with _STATE_LOCK:
        _INVOCATIONS.clear()
        _CODE_OVERRIDES.clear()
        _PENDING_CLEANUP.clear()


moto_api_models.MotoAPIBackend.reset = _moto_api_reset


def _self_endpoint(argv: list) -> str:
    """This server's own address, from moto_server's -H/-p arguments (any launcher built on this one)."""
    host, port = "127.0.0.1", "5000"
    for i, arg in enumerate(argv[:-1]):
        if arg in ("-H", "--host"):
            host = argv[i + 1]
        elif arg in ("-p", "--port"):
            port = argv[i + 1]
    for arg in argv:
        if arg.startswith("--host="):
            host = arg.split("=", 1)[1]
        elif arg.startswith("--port="):
            port = arg.split("=", 1)[1]
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::', '') else host}:{port}"


def _exit_with_parent() -> None:
    """With MOTO_EXT_PARENT_PID set (scripts/lib/moto.ts does), exit once that process is
    gone, even if it was SIGKILLed and could not stop us: no servers left behind."""
    parent = int(os.environ.get("MOTO_EXT_PARENT_PID") or 0)

    def watch() -> None:
        while os.getppid() == parent:  # an orphan is re-parented, so the ppid changes
            time.sleep(0.5)
        os._exit(0)

    if parent:
        threading.Thread(target=watch, daemon=True).start()


if __name__ == "__main__":
    from moto.server import main

    _exit_with_parent()
    main(sys.argv[1:])
