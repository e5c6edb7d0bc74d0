export {
  DEVICE_FILTER_SHAPE,
  fromStoredDevice,
  storedFieldPath,
  toStoredDevice,
  type StoredDevice,
  type StoredParameterNode,
  type StoredParameterTree,
} from './storedDeviceShape';
