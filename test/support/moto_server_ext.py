"""moto_server launcher with the CloudFormation/IAM extensions our integration tests need.

    python3 test/support/moto_server_ext.py -H 127.0.0.1 -p PORT

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
  * With MOTO_EXT_PARENT_PID set, the server exits when that process is gone.
"""
import json
import os
import re
import sys
import threading
import time
from typing import Any

os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

from moto.cloudformation import models as cfn_models  # noqa: E402
from moto.cloudformation import parsing  # noqa: E402
from moto.cloudformation import responses as cfn_responses  # noqa: E402
from moto.core.common_models import CloudFormationModel  # noqa: E402
from moto.core.responses import ActionResult  # noqa: E402
from moto.iam import models as iam  # noqa: E402
from moto.iam.exceptions import DeleteConflictException, LimitExceededException, NotFoundException  # noqa: E402
from moto.iam.policy_validation import IAMTrustPolicyDocumentValidator  # noqa: E402
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

def _exit_with_parent() -> None:
    """With MOTO_EXT_PARENT_PID set (test/support/moto.ts does), exit once that process is
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
